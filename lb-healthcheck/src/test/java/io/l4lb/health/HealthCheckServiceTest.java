package io.l4lb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.HealthCheckConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.ServerConfig.InitState;
import io.l4lb.core.config.SourcePos;
import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.health.testing.Await;
import io.l4lb.health.testing.ScriptedServer;
import io.l4lb.health.testing.ServiceFixture;
import io.l4lb.health.testing.TestOpts;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service end to end on real loopback sockets: maint, port/addr overrides, agent, unchecked servers. */
class HealthCheckServiceTest {
    private final ServiceFixture fx = new ServiceFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private static ScriptedServer idle() throws Exception {
        return new ScriptedServer(s -> s.getInputStream().read());
    }

    private static int deadPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void serverInMaintIsNotCheckedAndNotBroughtBackUntilReady() throws Exception {
        try (ScriptedServer a = idle(); ScriptedServer b = idle()) {
            TestOpts o = new TestOpts();
            o.inter = Duration.ofMillis(50);
            o.disabled = true; // starts in MAINT (HAProxy "disabled")
            TestOpts p = new TestOpts();
            p.inter = Duration.ofMillis(50);
            BackendRuntime be = fx.backend(c -> c, o.server("s1", a.port()), p.server("s2", b.port()));
            ServerRuntime s1 = be.server("s1");
            fx.service.start(List.of(be));
            int seenByS2 = b.accepted();
            Await.until(() -> b.accepted() >= seenByS2 + 6, Duration.ofSeconds(5), "s2 checked 6 times");
            assertEquals(0, a.accepted(), "a server in maint gets no check connection");
            assertFalse(s1.usable());
            assertEquals(AdminState.MAINT, s1.adminState());
            be.setAdminState(s1, AdminState.READY);
            Await.until(() -> a.accepted() > 0, Duration.ofSeconds(5), "checks resume after maint");
            Await.until(() -> "L4OK".equals(s1.lastCheck().status()), Duration.ofSeconds(5), "s1 checked");
            assertTrue(s1.usable());
        }
    }

    @Test
    void checkPortAndAddrOverridesAreWhereTheCheckGoes() throws Exception {
        try (ScriptedServer checkTarget = idle(); ScriptedServer traffic = idle()) {
            TestOpts ok = new TestOpts();
            ok.checkPort = checkTarget.port();
            ok.checkAddr = "127.0.0.1";
            ok.initState = InitState.FULLY_DOWN;
            ok.rise = 1;
            TestOpts bad = new TestOpts();
            bad.checkPort = deadPort(); // Patroni-style: traffic port alive, check port dead
            bad.initState = InitState.FULLY_UP;
            bad.fall = 1;
            BackendRuntime be = fx.backend(c -> c, ok.server("s1", deadPort()), bad.server("s2", traffic.port()));
            fx.service.start(List.of(be));
            Await.until(() -> be.server("s1").usable(), Duration.ofSeconds(5), "s1 up through its check port");
            Await.until(() -> !be.server("s2").healthUp(), Duration.ofSeconds(5), "s2 down through its check port");
            assertTrue(checkTarget.accepted() > 0);
            assertEquals(0, traffic.accepted(), "the check never touched the traffic port");
            assertEquals("L4CON", be.server("s2").lastCheck().status());
        }
    }

    @Test
    void agentRepliesDriveWeightAgentStateAndHealth() throws Exception {
        AtomicReference<String> reply = new AtomicReference<>("up 50%");
        try (ScriptedServer srv = idle(); ScriptedServer agent = new ScriptedServer(s -> {
            OutputStream out = s.getOutputStream();
            out.write((reply.get() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        })) {
            TestOpts o = new TestOpts();
            o.weight = 20;
            o.initState = InitState.FULLY_UP;
            o.agentPort = agent.port();
            o.agentInter = Duration.ofMillis(30);
            BackendRuntime be = fx.backend(c -> c, o.server("s1", srv.port()));
            ServerRuntime s1 = be.server("s1");
            fx.service.start(List.of(be));
            Await.until(() -> s1.weight() == 10, Duration.ofSeconds(5), "50% of weight 20");
            reply.set("drain");
            Await.until(() -> s1.agentState() == AdminState.DRAIN, Duration.ofSeconds(5), "agent drain");
            assertFalse(s1.usable());
            assertEquals(AdminState.READY, s1.adminState(), "operator state untouched");
            reply.set("ready,100%");
            Await.until(() -> s1.usable() && s1.weight() == 20, Duration.ofSeconds(5), "agent ready");
            reply.set("down #maintenance window");
            Await.until(() -> !s1.healthUp(), Duration.ofSeconds(5), "agent down");
            Await.until(() -> fx.log.stream().anyMatch(l -> l.contains("Agent reports DOWN")), Duration.ofSeconds(2), "logged");
            reply.set("up");
            Await.until(s1::usable, Duration.ofSeconds(5), "agent up");
            reply.set("maint");
            Await.until(() -> s1.agentState() == AdminState.MAINT, Duration.ofSeconds(5), "agent maint");
            int checks = srv.accepted();
            int replies = agent.accepted();
            Await.until(() -> agent.accepted() >= replies + 5, Duration.ofSeconds(5), "agent still polled in maint");
            assertTrue(srv.accepted() <= checks + 1, "regular checks paused in maint (one may have been in flight)");
        }
    }

    @Test
    void agentUnreachableChangesNothing() throws Exception {
        try (ScriptedServer srv = idle()) {
            TestOpts o = new TestOpts();
            o.initState = InitState.FULLY_UP;
            o.agentPort = deadPort();
            o.agentInter = Duration.ofMillis(20);
            BackendRuntime be = fx.backend(c -> c, o.server("s1", srv.port()));
            fx.service.start(List.of(be));
            int before = srv.accepted();
            Await.until(() -> srv.accepted() >= before + 5, Duration.ofSeconds(5), "several regular checks");
            assertTrue(be.server("s1").usable());
            assertTrue(fx.changes.isEmpty(), fx.changes.toString());
        }
    }

    @Test
    void serversWithoutCheckAreLeftAloneAndPassiveCallsForThemAreIgnored() throws Exception {
        ServerConfig plain = ServerConfig.of("s1", "127.0.0.1", deadPort());
        BackendRuntime be = fx.backend(c -> c, plain);
        fx.service.start(List.of(be));
        ServerRuntime s1 = be.server("s1");
        assertNull(fx.service.health(s1));
        for (int i = 0; i < 100; i++) {
            fx.service.connectFailed(s1, "Connection refused");
        }
        assertTrue(s1.usable(), "no check configured: always up, as HAProxy");
    }

    @Test
    void externalCheckIsRejectedClearly() {
        TestOpts o = new TestOpts();
        HealthCheckConfig ext = new HealthCheckConfig(HealthCheckConfig.Type.EXTERNAL, List.of(), null, null, null,
                false, new SourcePos("lb.cfg", 12, 5));
        BackendRuntime be = fx.backend(c -> c.withCheck(ext), o.server("s1", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fx.service.start(List.of(be)));
        assertTrue(e.getMessage().contains("lb.cfg:12:5"), e.getMessage());
        assertNotNull(be.server("s1"));
    }
}
