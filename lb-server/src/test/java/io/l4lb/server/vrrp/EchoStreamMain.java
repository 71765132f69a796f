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
 * The long-lived client of the DR failover test, run in the client namespace: ONE TCP connection
 * to HOST:PORT for at most SECONDS, on which it sends {@code seq N} every ~10 ms, one at a time,
 * and checks each answer is {@code NAME seq N} from the same real server NAME. Every answer is
 * printed as {@code ECHO n=N via=NAME sent=MONO mono=MONO} (send and receive times on
 * {@code System.nanoTime()}, CLOCK_MONOTONIC, shared with the test JVM); the connection's local
 * port first ({@code CONNECTED port=P}). A reset, a timeout (20 s without an answer: far beyond
 * any TCP retransmission the failover causes) or a wrong answer prints {@code FAIL ...} and exits 1.
 */
public final class EchoStreamMain {
    private EchoStreamMain() {
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    public static void main(String[] args) {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long end = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        long n = 0;
        try (Socket s = new Socket()) {
            s.connect(target, 5000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(20_000);
            say("CONNECTED port=" + s.getLocalPort() + " mono=" + System.nanoTime());
            OutputStream o = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String via = null;
            for (; System.nanoTime() < end; n++) {
                long sent = System.nanoTime();
                o.write(("seq " + n + "\n").getBytes(StandardCharsets.US_ASCII));
                o.flush();
                String reply = in.readLine();
                long got = System.nanoTime();
                int sp = reply == null ? -1 : reply.indexOf(' ');
                String name = sp < 0 ? null : reply.substring(0, sp);
                if (name == null || !reply.substring(sp + 1).equals("seq " + n) || (via != null && !via.equals(name))) {
                    say("FAIL reply '" + reply + "' to seq " + n + " (server so far " + via + ") mono=" + got);
                    System.exit(1);
                }
                via = name;
                say("ECHO n=" + n + " via=" + name + " sent=" + sent + " mono=" + got);
                LockSupport.parkNanos(10_000_000L); // pacing between requests, not a wait for an event
            }
            say("DONE n=" + n + " mono=" + System.nanoTime());
        } catch (IOException e) {
            say("FAIL " + e + " at seq " + n + " mono=" + System.nanoTime());
            System.exit(1);
        }
    }
}
