package io.l4lb.server.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.core.state.ServerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Health checks steering the running proxy: an origin is killed under steady load (4 clients, one
 * connection per request), detected passively ({@code observe layer4}) or by active checks alone,
 * then restarted and taken back with a slow-start ramp. Real sockets on loopback; the measured
 * detection times are printed for the report.
 */
class HealthEndToEndTest {
    private static final ScheduledExecutorService SAMPLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ramp-sampler");
        t.setDaemon(true);
        return t;
    });

    /** An HTTP/1.0 origin answering its name; can be killed (listener and live sockets closed). */
    static final class Origin implements AutoCloseable {
        final String name;
        final ServerSocket listener;
        final AtomicInteger accepted = new AtomicInteger();
        final ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();

        Origin(String name, int port) throws IOException {
            this.name = name;
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        accepted.incrementAndGet();
                        open.add(s);
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                int state = 0;
                int c;
                while (state < 4 && (c = in.read()) != -1) { // until the blank line (or EOF for checks)
                    state = (c == '\r' || c == '\n') ? state + 1 : 0;
                }
                if (state == 4) {
                    s.getOutputStream().write(("HTTP/1.0 200 OK\r\n\r\nfrom " + name).getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException ignored) {
                // killed, or a check that only connects
            } finally {
                open.remove(s);
            }
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }

    record Outcome(long nanos, String origin) {}

    /** Counts the dataplane's failed connects per server (with times) and forwards to the health service. */
    static final class RecordingSink implements PassiveObservationSink {
        final PassiveObservationSink next;
        final ConcurrentLinkedQueue<Outcome> failures = new ConcurrentLinkedQueue<>();

        RecordingSink(PassiveObservationSink next) {
            this.next = next;
        }

        @Override
        public void connectFailed(ServerRuntime server, String reason) {
            failures.add(new Outcome(System.nanoTime(), server.name()));
            next.connectFailed(server, reason);
        }

        @Override
        public void connectSucceeded(ServerRuntime server) {
            next.connectSucceeded(server);
        }
    }

    private static String request(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 2000);
            s.setSoTimeout(3000);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            int i = r.indexOf("from ");
            return i < 0 ? "FAIL" : r.substring(i + 5);
        } catch (IOException e) {
            return "FAIL";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** Runs one kill/restart scenario and returns the measurements line. */
    private String scenario(boolean passive) throws Exception {
        Origin a = new Origin("A", 0);
        int portA = a.port();
        try (Origin b = new Origin("B", 0)) {
            String checkOpts = "check inter 200ms fall 3 rise 2 slowstart 1s"
                    + (passive ? " observe layer4 error-limit 1 on-error mark-down" : "");
            String cfg = """
                    global
                        nbthread 1
                    defaults
                        mode tcp
                        timeout connect 1s
                        timeout client 5s
                        timeout server 5s
                        retries 2
                        option redispatch
                    frontend web
                        bind 127.0.0.1:%d
                        default_backend farm
                    backend farm
                        balance roundrobin
                        server a 127.0.0.1:%d %s
                        server b 127.0.0.1:%d %s
                    """.formatted(freePort(), portA, checkOpts, b.port(), checkOpts);
            List<String> log = new CopyOnWriteArrayList<>();
            L4Config config = ConfigParser.parse("e2e.cfg", cfg);
            // As `l4lb run` does: checks on the proxy's own (single, nbthread 1) event loop.
            HealthWiring health = new HealthWiring(config.global(), log::add);
            RecordingSink sink = new RecordingSink(health);
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Outcome> results = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new CopyOnWriteArrayList<>();
            try (ProxyRuntime rt = new ProxyRuntime(config,
                    new ServerAddressResolver(ServerAddressResolver.SYSTEM), sink)) {
                rt.start();
                BackendRuntime farm = rt.backends().get("farm");
                ServerRuntime sa = farm.server("a");
                LinkedBlockingQueue<Outcome> changes = new LinkedBlockingQueue<>();
                farm.addListener((be, s, usable, why) -> changes.add(new Outcome(System.nanoTime(), s.name() + (usable ? " up" : " down"))));
                health.start(rt);
                assertTrue(health.service().health(sa) != null, "a is checked");
                InetSocketAddress vip = rt.boundAddresses("web").getFirst();
                CountDownLatch warm = new CountDownLatch(50);
                for (int i = 0; i < 4; i++) {
                    clients.add(Thread.ofVirtual().start(() -> {
                        while (!stop.get()) {
                            Outcome o = new Outcome(System.nanoTime(), request(vip));
                            results.add(o);
                            if (o.origin().equals("A")) {
                                warm.countDown();
                            }
                        }
                    }));
                }
                assertTrue(warm.await(10, TimeUnit.SECONDS), "A served 50 requests under load");
                long t0 = System.nanoTime();
                int inFlightBound = 4; // at most one request per client can be on A when it dies
                a.close();
                Outcome down = changes.poll(10, TimeUnit.SECONDS);
                assertEquals("a down", down.origin(), "log: " + log);
                long detect = ms(down.nanos() - t0);
                long failedConnectsToA = sink.failures.stream().filter(f -> f.origin().equals("a") && f.nanos() >= t0).count();
                long clientFailures = results.stream().filter(o -> o.nanos() >= t0 && o.origin().equals("FAIL")).count();
                assertFalse(sa.usable());
                // 500 ms more load with A dead: no flap back up, and after the mark-down (plus 50 ms for
                // requests already routed) no connect goes to A
                Outcome flap = changes.poll(500, TimeUnit.MILLISECONDS);
                assertEquals(null, flap, "no state change while A stays dead");
                assertEquals(0, sink.failures.stream().filter(f -> f.origin().equals("a") && f.nanos() > down.nanos() + 50_000_000L).count(),
                        "no connect to A after it was marked down");
                assertTrue(clientFailures <= inFlightBound, "client failures " + clientFailures + " <= in flight " + inFlightBound);
                if (passive) {
                    assertTrue(detect < 200, "passive: the first failed connect marks it down: " + detect + " ms");
                } else {
                    assertTrue(detect <= 600 + 200 + 300, "active: fall 3 x inter 200 ms: " + detect + " ms");
                }

                long t1 = System.nanoTime();
                a = new Origin("A", portA);
                Outcome up = changes.poll(10, TimeUnit.SECONDS);
                assertEquals("a up", up.origin(), "log: " + log);
                long recover = ms(up.nanos() - t1);
                List<Integer> ramp = new CopyOnWriteArrayList<>();
                CompletableFuture<Long> full = new CompletableFuture<>();
                var sampler = SAMPLER.scheduleAtFixedRate(() -> {
                    int p = sa.weightPercent();
                    if (ramp.isEmpty() || ramp.getLast() != p) {
                        ramp.add(p);
                    }
                    if (p == 100) {
                        full.complete(System.nanoTime());
                    }
                }, 0, 5, TimeUnit.MILLISECONDS);
                long rampMs;
                try {
                    rampMs = ms(full.get(5, TimeUnit.SECONDS) - up.nanos());
                } finally {
                    sampler.cancel(false);
                }
                int acceptedAfterRestart = a.accepted.get();
                assertTrue(recover <= 400 + 200 + 300, "rise 2 x downinter 200 ms: " + recover + " ms");
                assertTrue(ramp.getFirst() < 30 && ramp.size() >= 5, "slowstart ramp observed: " + ramp);
                assertTrue(acceptedAfterRestart > 0, "A back in rotation");
                return String.format("%s: detection %d ms, failed connects to A %d, client failures %d (bound %d); "
                                + "recovery %d ms (rise 2 x inter 200 ms = 400 ms); slowstart 1 s ramp took %d ms, %d steps from %d%%",
                        passive ? "passive observe layer4 error-limit 1 mark-down" : "active only (fall 3 x inter 200 ms = 600 ms)",
                        detect, failedConnectsToA, clientFailures, inFlightBound, recover, rampMs, ramp.size(), ramp.getFirst());
            } finally {
                stop.set(true);
                for (Thread t : clients) {
                    t.join(10_000);
                }
                health.close();
            }
        } finally {
            a.close();
        }
    }

    @Test
    void passiveObservationTakesAKilledOriginOutAtItsFirstFailedConnect() throws Exception {
        System.out.println("e2e " + scenario(true));
    }

    @Test
    void activeChecksAloneTakeAKilledOriginOutAfterFallTimesInter() throws Exception {
        System.out.println("e2e " + scenario(false));
    }
}
