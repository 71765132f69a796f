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
 * The client of the end-to-end VRRP test, run in the client namespace: starts one TCP
 * request/response to HOST:PORT every ~5 ms ({@code ping N} -> the real server's {@code ping N
 * via LB}), each on its own connection and virtual thread, so a request lost with the VIP move (a
 * SYN to the old master's MAC, or a connection the old master accepted just before it gave the
 * address away) does not hold back the requests after it. Prints a line only when the outcome
 * changes ({@code OK via 10.x.0.2} / {@code FAIL reason}), stamped with {@code System.nanoTime()}
 * at completion (CLOCK_MONOTONIC, shared with the test JVM). Runs until killed.
 */
public final class VipProbeMain {
    private static String last = "";

    private VipProbeMain() {
    }

    public static void main(String[] args) {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        for (long n = 0; ; n++) {
            long id = n;
            Thread.ofVirtual().start(() -> report(request(target, id), id));
            LockSupport.parkNanos(5_000_000L); // pacing between requests, not a wait for an event
        }
    }

    private static String request(InetSocketAddress target, long n) {
        try (Socket s = new Socket()) {
            s.connect(target, 200);
            s.setSoTimeout(1000);
            OutputStream o = s.getOutputStream();
            o.write(("ping " + n + "\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            int via = reply == null ? -1 : reply.indexOf(" via ");
            return reply != null && reply.startsWith("ping " + n + " ") && via > 0
                    ? "OK via " + reply.substring(via + 5).strip() : "FAIL reply " + reply;
        } catch (IOException e) {
            return "FAIL " + e.getClass().getSimpleName();
        }
    }

    private static synchronized void report(String outcome, long n) {
        if (!outcome.equals(last)) {
            System.out.println(outcome + " n=" + n + " mono=" + System.nanoTime());
            System.out.flush();
            last = outcome;
        }
    }
}
