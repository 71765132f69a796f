package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.HealthCheckConfig.Expect;
import io.l4lb.core.config.HealthCheckConfig.ExpectKind;
import io.l4lb.core.config.HealthCheckConfig.HttpCheck;
import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.l4lb.health.testing.Loop;
import io.l4lb.health.testing.ScriptedServer;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile check targets: an endless banner, a slow drip and a peer that never answers nor closes.
 * Every check must end by the 64 KiB cap or by its timer, and cost bounded memory: heap allocated
 * by the event-loop thread during the check is measured with the JDK's per-thread counter.
 */
class HostileTargetTest {
    private static final Loop LOOP = new Loop();
    private static final ScheduledExecutorService DRIP = Executors.newSingleThreadScheduledExecutor();

    @AfterAll
    static void stop() {
        DRIP.shutdownNow();
        LOOP.close();
    }

    private static long loopAllocatedBytes() throws Exception {
        long tid = LOOP.loop.submit(() -> Thread.currentThread().threadId()).get(5, TimeUnit.SECONDS);
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(tid);
    }

    /** Writes 16 KiB chunks of 'A' (no line end) until the check hangs up; counts bytes sent. */
    private static ScriptedServer endless(AtomicLong sent) throws Exception {
        byte[] chunk = new byte[16 * 1024];
        Arrays.fill(chunk, (byte) 'A');
        return new ScriptedServer(s -> {
            OutputStream out = s.getOutputStream();
            while (true) {
                out.write(chunk);
                sent.addAndGet(chunk.length);
            }
        });
    }

    @Test
    void endlessBannerStopsAtTheCapForEveryProtocol() throws Exception {
        List<Checker> checkers = List.of(new SmtpChecker(null), new RedisChecker(), new MysqlChecker("u"),
                new HttpChecker(new HttpCheck("GET", "/", "HTTP/1.0", List.of(), null)), new AgentChecker(),
                new TcpCheckSequenceChecker(List.of(TcpCheckSequenceCheckerTest.expect(ExpectKind.STRING, false, "never"))),
                new HttpChecker(new HttpCheck("GET", "/", "HTTP/1.0", List.of(), new Expect(ExpectKind.STRING, false, "x"))));
        for (Checker c : checkers) {
            AtomicLong sent = new AtomicLong();
            try (ScriptedServer srv = endless(sent)) {
                long before = loopAllocatedBytes();
                long t0 = System.nanoTime();
                CheckResult r = LOOP.run(c, LOOP.target(srv.address(), Duration.ofSeconds(5)));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long allocated = loopAllocatedBytes() - before;
                String what = c.getClass().getSimpleName() + " " + r;
                assertTrue(!r.passed() && r.status().layer() == 7, what);
                assertTrue(ms < 2000, "ended by the cap, not the 5 s timer: " + ms + " ms, " + what);
                assertTrue(allocated < 8L * 1024 * 1024, "loop thread allocated " + allocated + " bytes: " + what);
                System.out.printf("hostile endless banner: %s -> %s in %d ms, server sent %d bytes, loop allocated %d bytes%n",
                        c.getClass().getSimpleName(), r.status(), ms, sent.get(), allocated);
            }
        }
    }

    @Test
    void slowDripIsCutAtTheTimeout() throws Exception {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        try (ScriptedServer srv = new ScriptedServer(s -> {
            OutputStream out = s.getOutputStream();
            var task = DRIP.scheduleAtFixedRate(() -> {
                try {
                    out.write('2');
                    out.flush();
                } catch (java.io.IOException e) {
                    stopped.complete(null);
                    throw new IllegalStateException(e);
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            try {
                stopped.get(10, TimeUnit.SECONDS);
            } finally {
                task.cancel(false);
            }
        })) {
            CheckResult r = LOOP.run(new SmtpChecker(null), LOOP.target(srv.address(), Duration.ofMillis(400)));
            assertEquals(CheckStatus.L7TOUT, r.status(), r.toString());
            assertTrue(r.durationMillis() >= 395 && r.durationMillis() < 900, "bounded by 400 ms: " + r.durationMillis());
            System.out.printf("hostile slow drip: %s after %d ms (timeout 400 ms)%n", r.status(), r.durationMillis());
        }
    }

    @Test
    void silentPeerThatNeverClosesIsCutAtTheTimeout() throws Exception {
        try (ScriptedServer srv = new ScriptedServer(s -> s.getInputStream().readAllBytes())) {
            for (Checker c : List.of(new RedisChecker(), new MysqlChecker("u"), new LdapChecker(), new AgentChecker())) {
                CheckResult r = LOOP.run(c, LOOP.target(srv.address(), Duration.ofMillis(300)));
                assertEquals(CheckStatus.L7TOUT, r.status(), c.getClass().getSimpleName() + " " + r);
                assertTrue(r.durationMillis() >= 295 && r.durationMillis() < 800, "bounded by 300 ms: " + r.durationMillis());
            }
        }
    }

    @Test
    void peerClosingMidReplyFailsAtOnce() throws Exception {
        try (ScriptedServer srv = new ScriptedServer(s -> s.getOutputStream().write("220-half a banner\r\n".getBytes(StandardCharsets.US_ASCII)))) {
            CheckResult r = LOOP.run(new SmtpChecker(null), LOOP.target(srv.address(), Duration.ofSeconds(5)));
            assertEquals(CheckStatus.L7RSP, r.status(), r.toString());
            assertTrue(r.durationMillis() < 2000);
        }
    }
}
