package io.l4lb.server.vrrp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * The client of the end-to-end VRRP test, run in the client namespace: one TCP request/response
 * to HOST:PORT every few milliseconds ({@code ping N} -> the real server's {@code ping N via LB}),
 * each a new connection with a short connect timeout so a SYN lost during the VIP move costs
 * little. Prints a line only when the outcome changes ({@code OK via 10.x.0.2} / {@code FAIL
 * reason}), stamped with {@code System.nanoTime()} (CLOCK_MONOTONIC, shared with the test JVM).
 * Runs until killed.
 */
public final class VipProbeMain {
    private VipProbeMain() {
    }

    public static void main(String[] args) {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int connectTimeoutMs = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        String last = "";
        for (long n = 0; ; n++) {
            String outcome;
            try (Socket s = new Socket()) {
                s.connect(target, connectTimeoutMs);
                s.setSoTimeout(1000);
                OutputStream o = s.getOutputStream();
                o.write(("ping " + n + "\n").getBytes(StandardCharsets.US_ASCII));
                o.flush();
                String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                int via = reply == null ? -1 : reply.indexOf(" via ");
                outcome = reply != null && reply.startsWith("ping " + n + " ") && via > 0
                        ? "OK via " + reply.substring(via + 5).strip() : "FAIL reply " + reply;
            } catch (IOException e) {
                outcome = "FAIL " + e.getClass().getSimpleName();
            }
            if (!outcome.equals(last)) {
                System.out.println(outcome + " n=" + n + " mono=" + System.nanoTime());
                System.out.flush();
                last = outcome;
            }
            LockSupport.parkNanos(5_000_000L); // pacing between requests, not a wait for an event
        }
    }
}
