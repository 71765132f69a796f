package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.Timeouts;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.time.FakeClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure pieces of the proxy: timeouts, server gate and queue, persistence, limiter. */
class UnitsTest {
    private static final long MS = 1_000_000L;

    @Test
    void sideTimeoutsFollowHaproxy() {
        Timeouts fe = new Timeouts(null, Duration.ofMillis(100), null, null, null, null, Duration.ofMillis(10), null);
        Timeouts be = new Timeouts(null, null, Duration.ofMillis(200), null, null, Duration.ofMillis(1000), null,
                Duration.ofMillis(20));
        SessionTimeouts t = SessionTimeouts.of(fe, be);
        assertEquals(100 * MS, t.clientLimit(false, false)); // before the server connection: client
        assertEquals(1000 * MS, t.clientLimit(true, false)); // tunnel supersedes client and server
        assertEquals(1000 * MS, t.serverLimit(true, false));
        assertEquals(10 * MS, t.clientLimit(true, true)); // half-closed: client-fin / server-fin
        assertEquals(20 * MS, t.serverLimit(true, true));
        assertEquals(0 + 100 * MS, t.nextDeadline(0, 0, false, false));
        assertEquals(10 * MS, t.nextDeadline(0, 5 * MS, true, true));
        assertTrue(t.expired(10 * MS, 0, 5 * MS, true, true));
        assertFalse(t.expired(9 * MS, 0, 5 * MS, true, true));
        assertEquals(Long.MAX_VALUE, SessionTimeouts.NONE.nextDeadline(0, 0, true, true));
        assertFalse(SessionTimeouts.of(Timeouts.NONE, Timeouts.NONE).any());
    }

    private static ServerRuntime server(int maxconn, int maxqueue) {
        return new ServerRuntime(ServerConfig.of("s", "127.0.0.1", 1)
                .withOptions(ServerConfig.ServerOptions.DEFAULTS.withMaxconn(maxconn, maxqueue)),
                new InetSocketAddress("127.0.0.1", 1));
    }

    @Test
    void gateHandsReleasedSlotsToTheOldestLiveWaiter() {
        ServerGate g = new ServerGate(server(2, 2));
        assertTrue(g.tryAcquire());
        assertTrue(g.tryAcquire());
        assertFalse(g.tryAcquire());
        assertTrue(g.full());
        List<String> granted = new ArrayList<>();
        ServerGate.Waiter gone = () -> false;
        ServerGate.Waiter w2 = () -> granted.add("w2");
        assertTrue(g.enqueue(gone));
        assertTrue(g.enqueue(w2));
        assertFalse(g.enqueue(() -> true)); // maxqueue 2
        assertEquals(2, g.server().counters().queueCurrent.get());
        g.release(); // skips the waiter that gave up, hands the slot to w2
        assertEquals(List.of("w2"), granted);
        assertEquals(2, g.used());
        assertEquals(0, g.server().counters().queueCurrent.get());
        g.release();
        g.release();
        assertEquals(0, g.used());
    }

    @Test
    void persistenceKeepsTheServerForTAndWhileUsable() {
        FakeClock clock = new FakeClock();
        PersistenceTable p = new PersistenceTable(Duration.ofSeconds(10).toNanos(), clock);
        InetAddress c = InetAddress.getLoopbackAddress();
        ServerRuntime s = server(0, 0);
        assertNull(p.lookup(c));
        p.remember(c, s);
        clock.advance(Duration.ofSeconds(9));
        assertSame(s, p.lookup(c));
        clock.advance(Duration.ofSeconds(1));
        assertNull(p.lookup(c)); // expired after T without a new connection
        ServerRuntime down = new ServerRuntime(ServerConfig.of("d", "x.invalid", 1), null);
        p.remember(c, down);
        assertNull(p.lookup(c)); // not usable: forgotten
    }

    @Test
    void limiterCountsAndQueuesAboveMax() {
        ConnectionLimiter l = new ConnectionLimiter(1);
        assertTrue(l.tryAcquire());
        assertFalse(l.tryAcquire());
        List<String> granted = new ArrayList<>();
        l.enqueue(() -> granted.add("next"));
        assertTrue(granted.isEmpty());
        l.release();
        assertEquals(List.of("next"), granted);
        assertEquals(1, l.current());
        l.release();
        assertEquals(0, l.current());
        ConnectionLimiter unlimited = new ConnectionLimiter(0);
        for (int i = 0; i < 100; i++) {
            assertTrue(unlimited.tryAcquire());
        }
    }
}
