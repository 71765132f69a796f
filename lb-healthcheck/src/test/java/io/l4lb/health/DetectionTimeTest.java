package io.l4lb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.HealthCheckConfig;
import io.l4lb.core.config.HealthCheckConfig.HttpCheck;
import io.l4lb.core.config.ServerConfig.InitState;
import io.l4lb.core.config.ServerConfig.MarkedAction;
import io.l4lb.core.config.ServerConfig.OnError;
import io.l4lb.core.config.SourcePos;
import io.l4lb.core.config.Timeouts;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.state.SessionTerminator;
import io.l4lb.health.testing.Await;
import io.l4lb.health.testing.ScriptedServer;
import io.l4lb.health.testing.ServiceFixture;
import io.l4lb.health.testing.ServiceFixture.Change;
import io.l4lb.health.testing.TestOpts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Detection times against real sockets on loopback with the system clock: a killed server (active
 * checks: about fall x inter, refused connects fail at once), a hung server (fall x (inter +
 * timeout check)), passive observation (the first failed connect), and recovery (rise x downinter)
 * with the slow-start ramp. Measured values are printed (surefire output) for the report.
 */
class DetectionTimeTest {
    private final ServiceFixture fx = new ServiceFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private static ScriptedServer idle(int port) throws Exception {
        return new ScriptedServer(port, s -> s.getInputStream().read());
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    @Test
    void killedServerIsDownAfterFallTimesInterAndBackAfterRiseWithSlowstart() throws Exception {
        ScriptedServer a = idle(0);
        int port = a.port();
        List<String> killed = new CopyOnWriteArrayList<>();
        try (ScriptedServer b = idle(0)) {
            TestOpts o = new TestOpts();
            o.inter = Duration.ofMillis(100);
            o.fall = 3;
            o.rise = 2;
            o.initState = InitState.FULLY_UP;
            o.slowstart = Duration.ofMillis(600);
            o.weight = 100;
            o.onMarkedDown = MarkedAction.SHUTDOWN_SESSIONS;
            BackendRuntime be = fx.backend(c -> c, o.server("s1", port), o.server("s2", b.port()));
            be.setSessionTerminator(new SessionTerminator() {
                @Override
                public void shutdownSessions(BackendRuntime x, ServerRuntime s) {
                    killed.add(s.name());
                }

                @Override
                public void shutdownBackupSessions(BackendRuntime x) {
                }
            });
            ServerRuntime s1 = be.server("s1");
            fx.service.start(List.of(be));
            Await.until(() -> "L4OK".equals(s1.lastCheck().status()), Duration.ofSeconds(5), "first check passes");

            long t0 = System.nanoTime();
            a.close();
            Change down = fx.next();
            long detect = ms(down.nanos() - t0);
            assertEquals("s1", down.server());
            assertFalse(down.usable());
            assertEquals(List.of("s2"), be.snapshot().members().stream().map(ServerRuntime::name).toList());
            assertTrue(detect >= 200 && detect <= 300 + 100 + 250, "fall 3 x inter 100 ms: " + detect + " ms");
            Await.until(() -> !fx.log.isEmpty(), Duration.ofSeconds(2), "state change logged");
            assertEquals(List.of("s1"), killed, "on-marked-down shutdown-sessions");
            assertTrue(fx.log.getFirst().startsWith("Server be/s1 is DOWN, reason: Layer4 connection problem, "
                    + "info: \"Connection refused\", check duration: "), fx.log.getFirst());
            assertTrue(fx.log.getFirst().contains("1 active and 0 backup servers left"), fx.log.getFirst());

            long t1 = System.nanoTime();
            a = idle(port);
            Change up = fx.next();
            long recover = ms(up.nanos() - t1);
            assertTrue(up.usable());
            assertTrue(recover <= 200 + 250, "rise 2 x downinter 100 ms: " + recover + " ms");
            List<Integer> ramp = new CopyOnWriteArrayList<>();
            var sampler = Await.every(Duration.ofMillis(25), () -> ramp.add(s1.weightPercent()));
            Await.until(() -> s1.weightPercent() == 100, Duration.ofSeconds(5), "slowstart ramp reaches 100%");
            long rampMs = ms(System.nanoTime() - up.nanos());
            sampler.cancel(false);
            assertTrue(ramp.stream().anyMatch(p -> p < 50), "ramp starts low: " + ramp);
            for (int i = 1; i < ramp.size(); i++) {
                assertTrue(ramp.get(i) >= ramp.get(i - 1), "ramp never goes back: " + ramp);
            }
            assertTrue(rampMs >= 550 && rampMs <= 600 + 400, "slowstart 600 ms: " + rampMs);
            System.out.printf("active detection (refused): %d ms (configured fall 3 x inter 100 ms = 300 ms); "
                    + "recovery: %d ms (rise 2 x downinter 100 ms = 200 ms); slowstart ramp to 100%%: %d ms (600 ms); "
                    + "ramp samples %s; transport %s%n", detect, recover, rampMs, ramp, fx.transport);
        } finally {
            a.close();
        }
    }

    @Test
    void hungServerIsDownAfterFallTimesInterPlusTimeout() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (ScriptedServer web = new ScriptedServer(s -> {
            s.getInputStream().read();
            if (healthy.get()) {
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } else {
                s.getInputStream().readAllBytes(); // hang: never answer, never close
            }
        })) {
            TestOpts o = new TestOpts();
            o.inter = Duration.ofMillis(100);
            o.fall = 2;
            o.initState = InitState.FULLY_UP;
            HealthCheckConfig http = new HealthCheckConfig(HealthCheckConfig.Type.HTTP, List.of(),
                    new HttpCheck("GET", "/health", "HTTP/1.0", List.of(), null), null, null, false, SourcePos.NONE);
            Timeouts t = new Timeouts(null, null, null, null, Duration.ofMillis(200), null, null, null);
            BackendRuntime be = fx.backend(c -> c.withCheck(http).withTimeouts(t), o.server("s1", web.port()));
            ServerRuntime s1 = be.server("s1");
            fx.service.start(List.of(be));
            Await.until(() -> "L7OK".equals(s1.lastCheck().status()), Duration.ofSeconds(5), "first check passes");
            long t0 = System.nanoTime();
            healthy.set(false);
            Change down = fx.next();
            long detect = ms(down.nanos() - t0);
            assertFalse(down.usable());
            assertEquals("L7TOUT", s1.lastCheck().status());
            assertTrue(detect >= 400 && detect <= 600 + 300, "fall 2 x (inter 100 + timeout check 200): " + detect + " ms");
            Await.until(() -> fx.log.contains("backend be has no server available!"), Duration.ofSeconds(2), fx.log.toString());
            System.out.printf("active detection (hung, httpchk): %d ms (configured fall 2 x (inter 100 ms + timeout check 200 ms)"
                    + " = 600 ms)%n", detect);
        }
    }

    @Test
    void passiveObservationMarksDownOnTheFirstFailedConnect() throws Exception {
        ScriptedServer a = idle(0);
        try (ScriptedServer b = idle(0)) {
            TestOpts o = new TestOpts();
            o.inter = Duration.ofSeconds(3); // active checks far too slow to be the ones noticing
            o.initState = InitState.FULLY_UP;
            o.observe = true;
            o.errorLimit = 1;
            o.onError = OnError.MARK_DOWN;
            BackendRuntime be = fx.backend(c -> c, o.server("s1", a.port()), o.server("s2", b.port()));
            ServerRuntime s1 = be.server("s1");
            fx.service.start(List.of(be));
            Await.until(() -> "L4OK".equals(s1.lastCheck().status()), Duration.ofSeconds(5), "first check passes");
            fx.service.connectSucceeded(s1);
            long t0 = System.nanoTime();
            a.close();
            // the "dataplane": a real connect to the dead server, reported to the sink from the event loop
            ChannelFuture f = new Bootstrap().group(fx.group).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(s1.address());
            f.addListener(x -> {
                if (x.isSuccess()) {
                    fx.service.connectSucceeded(s1);
                } else {
                    fx.service.connectFailed(s1, x.cause().getMessage());
                }
            });
            Change down = fx.next();
            long detect = ms(down.nanos() - t0);
            assertEquals("s1", down.server());
            assertFalse(down.usable());
            assertEquals("HANA", s1.lastCheck().status());
            assertTrue(detect < 500, "first failed connect, long before inter 3 s: " + detect + " ms");
            Await.until(() -> !fx.log.isEmpty(), Duration.ofSeconds(2), "state change logged");
            assertTrue(fx.log.getFirst().contains("reason: Health analyze, info: \"Detected 1 consecutive errors"), fx.log.getFirst());
            System.out.printf("passive detection (observe layer4, error-limit 1, mark-down): %d ms after the kill "
                    + "(configured: first failed connect; inter 3 s)%n", detect);
        } finally {
            a.close();
        }
    }
}
