package io.l4lb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.ServerConfig.InitState;
import io.l4lb.core.config.ServerConfig.MarkedAction;
import io.l4lb.core.config.ServerConfig.OnError;
import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.state.SessionTerminator;
import io.l4lb.core.time.FakeClock;
import io.l4lb.health.testing.TestOpts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-server health logic driven by hand on a fake clock: no sockets, no sleeping. */
class ServerHealthTest {
    private final FakeClock clock = new FakeClock();
    private final List<String> log = new ArrayList<>();
    private final List<String> kills = new ArrayList<>();

    private static final CheckResult REFUSED = new CheckResult(CheckStatus.L4CON, -1, "Connection refused", 1_000_000);
    private static final CheckResult OK = new CheckResult(CheckStatus.L4OK, -1, "", 2_000_000);

    private BackendRuntime backend(TestOpts o, TestOpts backupOpts) {
        List<ServerConfig> servers = new ArrayList<>();
        servers.add(o.server("s1", 1001));
        TestOpts plain = new TestOpts();
        plain.initState = InitState.FULLY_UP;
        servers.add(plain.server("s2", 1002));
        if (backupOpts != null) {
            backupOpts.backup = true;
            servers.add(backupOpts.server("b1", 1003));
        }
        List<ServerRuntime> rt = new ArrayList<>();
        for (ServerConfig s : servers) {
            rt.add(new ServerRuntime(s, new InetSocketAddress("127.0.0.1", s.port())));
        }
        BackendRuntime b = new BackendRuntime(BackendConfig.of("be", "roundrobin", servers), rt);
        b.setSessionTerminator(new SessionTerminator() {
            @Override
            public void shutdownSessions(BackendRuntime be, ServerRuntime s) {
                kills.add("server " + s.name());
            }

            @Override
            public void shutdownBackupSessions(BackendRuntime be) {
                kills.add("backups of " + be.name());
            }
        });
        return b;
    }

    private ServerHealth health(BackendRuntime b) {
        return new ServerHealth(b, b.server("s1"), clock, new StateChangeLog(log::add));
    }

    @Test
    void fallFailuresTakeItDownWithAnHaproxyLogLineAndRisePassesBringItBack() {
        TestOpts o = new TestOpts();
        o.initState = InitState.FULLY_UP;
        BackendRuntime b = backend(o, null);
        ServerHealth h = health(b);
        ServerRuntime s1 = b.server("s1");
        h.onCheckResult(REFUSED);
        h.onCheckResult(REFUSED);
        assertTrue(s1.usable());
        assertEquals(2, b.snapshot().members().size());
        h.onCheckResult(REFUSED);
        assertFalse(s1.usable());
        assertEquals(List.of("s2"), b.snapshot().members().stream().map(ServerRuntime::name).toList(),
                "the very next pick cannot return the down server");
        assertEquals("Server be/s1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
                + "check duration: 1ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, "
                + "0 remaining in queue.", log.getFirst());
        assertEquals("L4CON", s1.lastCheck().status());
        h.onCheckResult(OK);
        assertFalse(s1.usable());
        h.onCheckResult(OK);
        assertTrue(s1.usable());
        assertEquals("Server be/s1 is UP, reason: Layer4 check passed, check duration: 2ms. 2 active and 0 "
                + "backup servers online. 0 sessions requeued, 0 total in queue.", log.get(1));
        assertEquals(2, log.size());
    }

    @Test
    void logHealthChecksWritesALineWhenTheOutcomeChanges() {
        TestOpts o = new TestOpts();
        o.initState = InitState.FULLY_UP;
        BackendRuntime plain = backend(o, null);
        io.l4lb.core.config.HealthCheckConfig logged = new io.l4lb.core.config.HealthCheckConfig(
                io.l4lb.core.config.HealthCheckConfig.Type.TCP, List.of(), null, null, null, true,
                io.l4lb.core.config.SourcePos.NONE);
        BackendRuntime b = new BackendRuntime(plain.config().withCheck(logged), plain.servers());
        ServerHealth h = health(b);
        h.onCheckResult(OK);
        h.onCheckResult(OK); // same outcome: no new line
        h.onCheckResult(REFUSED);
        h.onCheckResult(REFUSED);
        h.onCheckResult(REFUSED);
        assertEquals(List.of(
                "Health check for server be/s1 succeeded, reason: Layer4 check passed, check duration: 2ms, status: 3/3 UP.",
                "Health check for server be/s1 failed, reason: Layer4 connection problem, info: \"Connection refused\", "
                        + "check duration: 1ms, status: 2/3 UP."), log.subList(0, 2));
        assertTrue(log.get(2).startsWith("Server be/s1 is DOWN"), log.toString());
        assertEquals(3, log.size());
    }

    @Test
    void intervalFollowsTheStateFastinterWhileChanging() {
        TestOpts o = new TestOpts();
        o.initState = InitState.FULLY_UP;
        o.inter = Duration.ofSeconds(2);
        o.fastinter = Duration.ofMillis(200);
        o.downinter = Duration.ofSeconds(5);
        ServerHealth h = health(backend(o, null));
        assertEquals(2_000, h.nextIntervalNanos() / 1_000_000);
        h.onCheckResult(REFUSED);
        assertEquals(200, h.nextIntervalNanos() / 1_000_000);
        h.onCheckResult(REFUSED);
        h.onCheckResult(REFUSED);
        assertEquals(5_000, h.nextIntervalNanos() / 1_000_000);
    }

    @Test
    void lastActiveDownSwitchesToBackupAndNothingLeftIsLogged() {
        TestOpts o = new TestOpts();
        o.fall = 1;
        o.onMarkedDown = MarkedAction.SHUTDOWN_SESSIONS;
        o.onMarkedUp = MarkedAction.SHUTDOWN_BACKUP_SESSIONS;
        o.rise = 1;
        BackendRuntime b = backend(o, new TestOpts());
        b.setHealth(b.server("s2"), false, "test");
        ServerHealth h = health(b);
        h.onCheckResult(REFUSED);
        assertTrue(b.snapshot().usingBackups());
        assertEquals(List.of("b1"), b.snapshot().members().stream().map(ServerRuntime::name).toList());
        assertTrue(log.getFirst().contains("0 active and 1 backup servers left"), log.getFirst());
        assertEquals(List.of("server s1"), kills);
        h.onCheckResult(OK);
        assertFalse(b.snapshot().usingBackups());
        assertEquals(List.of("server s1", "backups of be"), kills);
        b.setHealth(b.server("b1"), false, "test");
        h.onCheckResult(REFUSED);
        assertTrue(b.snapshot().members().isEmpty());
        assertEquals("backend be has no server available!", log.getLast());
    }

    @Test
    void maintIsNotCheckedBackUpAndLeavingItRestartsAtRise() {
        TestOpts o = new TestOpts();
        o.initState = InitState.FULLY_UP;
        BackendRuntime b = backend(o, null);
        ServerHealth h = health(b);
        ServerRuntime s1 = b.server("s1");
        b.setAdminState(s1, AdminState.MAINT);
        assertFalse(h.beforeCheck(), "no check in maintenance");
        for (int i = 0; i < 5; i++) {
            h.onCheckResult(OK); // late results are ignored too
        }
        assertFalse(s1.usable());
        assertEquals(AdminState.MAINT, s1.adminState(), "checks never change the operator's state");
        b.setAdminState(s1, AdminState.READY);
        assertTrue(h.beforeCheck());
        assertEquals(2, h.counter().health(), "restart at rise: up, one failure from down");
        h.onCheckResult(REFUSED);
        assertFalse(s1.usable());
    }

    @Test
    void drainIsStillCheckedAndSurvivesChecks() {
        TestOpts o = new TestOpts();
        o.fall = 1;
        BackendRuntime b = backend(o, null);
        ServerHealth h = health(b);
        ServerRuntime s1 = b.server("s1");
        b.setAdminState(s1, AdminState.DRAIN);
        assertTrue(h.beforeCheck());
        h.onCheckResult(REFUSED);
        assertFalse(s1.healthUp());
        h.onCheckResult(OK);
        h.onCheckResult(OK);
        assertTrue(s1.healthUp());
        assertEquals(AdminState.DRAIN, s1.adminState());
        assertFalse(s1.usable());
    }

    @Test
    void passiveErrorLimitActions() {
        for (OnError mode : OnError.values()) {
            TestOpts o = new TestOpts();
            o.initState = InitState.FULLY_UP;
            o.observe = true;
            o.errorLimit = 3;
            o.onError = mode;
            o.fall = 4;
            BackendRuntime b = backend(o, null);
            ServerHealth h = health(b);
            assertFalse(h.countFailure());
            assertFalse(h.countFailure());
            h.connectSucceeded(); // resets the consecutive count
            assertFalse(h.countFailure());
            assertFalse(h.countFailure());
            assertTrue(h.countFailure(), mode + ": third consecutive error");
            h.onErrorLimit("Connection refused");
            int health = h.counter().health();
            switch (mode) {
                case FASTINTER -> assertEquals(5, health);
                case FAIL_CHECK -> assertEquals(4, health);
                case SUDDEN_DEATH -> assertEquals(2, health);
                case MARK_DOWN -> assertEquals(0, health);
            }
            assertEquals(mode != OnError.MARK_DOWN, b.server("s1").usable(), mode.name());
            if (mode == OnError.MARK_DOWN) {
                assertEquals("Server be/s1 is DOWN, reason: Health analyze, info: \"Detected 3 consecutive errors, "
                        + "last one was: Connection refused\". 1 active and 0 backup servers left. 0 sessions active,"
                        + " 0 requeued, 0 remaining in queue.", log.getLast());
            }
        }
    }

    @Test
    void passiveObservationIsIgnoredWithoutObserve() {
        ServerHealth h = health(backend(new TestOpts(), null));
        for (int i = 0; i < 50; i++) {
            assertFalse(h.countFailure());
        }
    }

    @Test
    void slowstartRampsTheEffectiveWeightOnTheClock() {
        TestOpts o = new TestOpts();
        o.initState = InitState.FULLY_DOWN;
        o.slowstart = Duration.ofSeconds(10);
        o.weight = 50;
        BackendRuntime b = backend(o, null);
        ServerHealth h = health(b);
        ServerRuntime s1 = b.server("s1");
        h.onCheckResult(OK);
        h.onCheckResult(OK);
        assertTrue(h.ramping());
        assertEquals(1, s1.weightPercent());
        assertEquals(1, s1.effectiveWeight());
        clock.advance(Duration.ofMillis(2500));
        assertTrue(h.slowstartTick());
        assertEquals(25, s1.weightPercent());
        assertEquals(13, s1.effectiveWeight());
        clock.advance(Duration.ofMillis(5000));
        assertTrue(h.slowstartTick());
        assertEquals(75, s1.weightPercent());
        clock.advance(Duration.ofMillis(2500));
        assertFalse(h.slowstartTick(), "ramp ends at 100%");
        assertEquals(50, s1.effectiveWeight());
        assertFalse(h.ramping());
    }

    @Test
    void agentRepliesChangeAgentStateWeightAndHealthWithoutTouchingOperatorState() {
        TestOpts o = new TestOpts();
        o.initState = InitState.FULLY_UP;
        o.weight = 40;
        BackendRuntime b = backend(o, null);
        ServerHealth h = health(b);
        ServerRuntime s1 = b.server("s1");
        h.onAgentResult(CheckResult.of(CheckStatus.L7OK, "75%"));
        assertEquals(30, s1.weight());
        h.onAgentResult(CheckResult.of(CheckStatus.L7OK, "drain"));
        assertEquals(AdminState.DRAIN, s1.agentState());
        assertEquals(AdminState.READY, s1.adminState());
        assertFalse(s1.usable());
        h.onAgentResult(CheckResult.of(CheckStatus.L7OK, "ready 100%"));
        assertTrue(s1.usable());
        assertEquals(40, s1.weight());
        h.onAgentResult(CheckResult.of(CheckStatus.L7OK, "down #disk full"));
        assertFalse(s1.healthUp());
        assertTrue(log.getLast().startsWith("Server be/s1 is DOWN, reason: Agent reports DOWN"), log.getLast());
        h.onCheckResult(OK);
        assertFalse(s1.healthUp(), "a passing check does not override the agent's down");
        h.onAgentResult(CheckResult.of(CheckStatus.L4CON, "Connection refused"));
        assertFalse(s1.healthUp(), "an unreachable agent changes nothing");
        h.onAgentResult(CheckResult.of(CheckStatus.L7OK, "up"));
        assertTrue(s1.usable());
        b.setAdminState(s1, AdminState.MAINT);
        h.onAgentResult(CheckResult.of(CheckStatus.L7OK, "ready"));
        assertEquals(AdminState.MAINT, s1.adminState(), "agent 'ready' does not lift the operator's maint");
        assertFalse(s1.usable());
        h.onAgentResult(CheckResult.of(CheckStatus.L7OK, "maint"));
        assertFalse(h.beforeCheck());
    }
}
