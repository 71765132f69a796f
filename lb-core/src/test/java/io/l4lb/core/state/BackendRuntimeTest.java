package io.l4lb.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ServerConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendRuntimeTest {

    private static ServerRuntime server(String name, boolean backup) {
        ServerConfig c = ServerConfig.of(name, "127.0.0.1", 1000);
        c = c.withOptions(c.options().withBackup(backup));
        return new ServerRuntime(c, new InetSocketAddress("127.0.0.1", 1000));
    }

    private static Set<String> picked(BackendRuntime b, int n) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ServerRuntime s = b.pick(i);
            names.add(s == null ? "<none>" : s.name());
        }
        return names;
    }

    private static BackendRuntime backend(boolean allBackups, ServerRuntime... servers) {
        BackendConfig c = BackendConfig.of("be", "rr", List.of());
        c = new BackendConfig(c.name(), c.mode(), c.forward(), c.balance(), c.persist(), c.servers(),
                c.timeouts(), c.retries(), c.redispatch(), allBackups, c.srvTcpKa(), c.usesrcClientIp(),
                c.check(), c.fullconn(), c.pos());
        return new BackendRuntime(c, List.of(servers));
    }

    @Test
    void usesActivesOnlyWhileAnyIsUsable() {
        ServerRuntime a = server("a", false);
        ServerRuntime b = server("b", false);
        ServerRuntime bk = server("bk", true);
        BackendRuntime be = backend(false, a, b, bk);
        assertEquals(Set.of("a", "b"), picked(be, 10));
        be.setHealth(a, false, "down");
        assertEquals(Set.of("b"), picked(be, 10));
        be.setHealth(b, false, "down");
        assertEquals(Set.of("bk"), picked(be, 10));
        assertTrue(be.snapshot().usingBackups());
        be.setHealth(a, true, "up");
        assertEquals(Set.of("a"), picked(be, 10));
    }

    @Test
    void firstBackupOnlyUnlessAllBackups() {
        ServerRuntime a = server("a", false);
        ServerRuntime b1 = server("b1", true);
        ServerRuntime b2 = server("b2", true);
        BackendRuntime first = backend(false, a, b1, b2);
        first.setHealth(a, false, "down");
        assertEquals(Set.of("b1"), picked(first, 10));

        ServerRuntime a2 = server("a", false);
        BackendRuntime all = backend(true, a2, server("b1", true), server("b2", true));
        all.setHealth(a2, false, "down");
        assertEquals(Set.of("b1", "b2"), picked(all, 10));
    }

    @Test
    void nothingUsableGivesNullAndReportsDown() {
        ServerRuntime a = server("a", false);
        BackendRuntime be = backend(false, a);
        assertTrue(be.hasUsableServer());
        be.setAdminState(a, AdminState.MAINT);
        assertNull(be.pick(1));
        assertFalse(be.hasUsableServer());
    }

    @Test
    void drainAndWeightZeroTakeNoNewConnections() {
        ServerRuntime a = server("a", false);
        ServerRuntime b = server("b", false);
        BackendRuntime be = backend(false, a, b);
        be.setAdminState(a, AdminState.DRAIN);
        assertEquals(Set.of("b"), picked(be, 10));
        be.setAdminState(a, AdminState.READY);
        be.setWeight(b, 0);
        assertEquals(Set.of("a"), picked(be, 10));
    }

    @Test
    void listenersHearUsabilityChangesOnly() {
        ServerRuntime a = server("a", false);
        BackendRuntime be = backend(false, a);
        List<String> events = new ArrayList<>();
        be.addListener((backend, s, usable, reason) -> events.add(s.name() + ":" + usable + ":" + reason));
        be.setHealth(a, true, "still up");
        be.setHealth(a, false, "refused");
        be.setHealth(a, false, "refused again");
        be.setHealth(a, true, "ok");
        assertEquals(List.of("a:false:refused", "a:true:ok"), events);
    }

    @Test
    void connectionAccountingFeedsTheLoad() {
        ServerRuntime a = server("a", false);
        BackendRuntime be = backend(false, a);
        be.connectionOpened(a);
        be.connectionOpened(a);
        be.connectionClosed(a);
        assertEquals(1, a.load().active());
        assertEquals(2, a.counters().connectionsTotal.sum());
    }

    @Test
    void slowStartScalesEffectiveWeightButNeverToZero() {
        ServerRuntime a = server("a", false);
        BackendRuntime be = backend(false, a);
        be.setWeight(a, 10);
        be.setWeightPercent(a, 25);
        assertEquals(3, a.effectiveWeight());
        be.setWeightPercent(a, 1);
        assertEquals(1, a.effectiveWeight());
        be.setWeightPercent(a, 100);
        assertEquals(10, a.effectiveWeight());
    }

    @Test
    void unresolvedServerStartsDownAndComesUpWhenResolved() {
        ServerConfig c = ServerConfig.of("dns", "db.example.invalid", 5432);
        ServerRuntime s = new ServerRuntime(c, null);
        BackendRuntime be = backend(false, s);
        assertNull(be.pick(0));
        assertEquals("address not resolved", s.healthReason());
        be.setAddress(s, new InetSocketAddress("127.0.0.1", 5432));
        be.setHealth(s, true, "resolved");
        assertEquals("dns", be.pick(0).name());
    }

    @Test
    void balanceFirstSeesServerMaxconn() {
        ServerConfig ac = ServerConfig.of("a", "127.0.0.1", 1000);
        ac = ac.withOptions(ac.options().withMaxconn(2, 0));
        ServerRuntime a = new ServerRuntime(ac, new InetSocketAddress("127.0.0.1", 1000));
        ServerRuntime b = server("b", false);
        BackendRuntime be = new BackendRuntime(BackendConfig.of("be", "first", List.of()), List.of(a, b));
        assertEquals("a", be.pick(0).name());
        be.connectionOpened(a);
        assertEquals("a", be.pick(0).name());
        be.connectionOpened(a);
        assertEquals("b", be.pick(0).name());
        be.connectionClosed(a);
        assertEquals("a", be.pick(0).name());
    }

    @Test
    void reconfigureSwapsTheSchedulerOverTheSameServersAndKeepsTheirState() {
        ServerRuntime a = server("a", false);
        ServerRuntime b = server("b", false);
        BackendRuntime be = backend(false, a, b);
        be.connectionOpened(a);
        be.setWeight(b, 7);
        assertEquals(Set.of("a", "b"), picked(be, 10)); // round robin spreads
        BackendConfig first = BackendConfig.of("be", "first", List.of()).withRetries(1, true);
        be.reconfigure(first);
        assertEquals(Set.of("a"), picked(be, 10)); // first: everything to the first server
        assertEquals("first", be.config().balance().scheduler());
        assertTrue(be.config().redispatch());
        assertTrue(be.server("a") == a && be.server("b") == b, "same server runtimes");
        assertEquals(1, a.counters().connectionsTotal.sum());
        assertEquals(7, b.weight());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> be.reconfigure(BackendConfig.of("other", "rr", List.of())));
    }

    @Test
    void replacedServerKeepsItsPlaceStateAndCounters() {
        ServerRuntime a = server("a", false);
        ServerRuntime b = server("b", false);
        BackendRuntime be = backend(false, a, b);
        be.reconfigure(BackendConfig.of("be", "first", List.of()));
        ServerConfig bigger = a.config().withOptions(a.config().options().withMaxconn(5, 0));
        ServerRuntime a2 = new ServerRuntime(bigger, a.address(), a);
        a.counters().bytesIn.add(42);
        assertTrue(be.replaceServer(a2) == a);
        assertEquals(List.of("a", "b"), be.servers().stream().map(ServerRuntime::name).toList());
        assertEquals(Set.of("a"), picked(be, 5)); // first: still the first in list order
        assertTrue(be.pick(0) == a2);
        assertEquals(42, a2.counters().bytesIn.sum());
        assertNull(be.replaceServer(server("zz", false)));
    }
}
