package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.TcpRequestRule;
import io.l4lb.core.config.Timeouts;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reload in place on a running engine over real loopback sockets: a backend's new settings
 * ({@link BackendRuntime#reconfigure} + {@link ProxyEngine#reconfigureBackend}) and a frontend's
 * new rules and maxconn ({@link ProxyEngine#updateFrontend}) apply to new connections at once,
 * while connections opened before keep flowing under the settings they started with.
 */
@ExtendWith(NettyLeakExtension.class)
class ProxyReconfigureTest {

    private static Map<String, Integer> hits(ProxyFixture p, int n) throws Exception {
        Map<String, Integer> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.merge(Origins.readAll(p.address), 1, Integer::sum);
        }
        return m;
    }

    private static Socket open(ProxyFixture p) throws Exception {
        Socket c = new Socket();
        c.connect(p.address, 5000);
        c.setSoTimeout(10_000);
        return c;
    }

    /** One round trip through an echo origin: proves the connection still flows. */
    private static void roundTrip(Socket c, String text) throws Exception {
        OutputStream out = c.getOutputStream();
        out.write(text.getBytes());
        out.flush();
        byte[] back = c.getInputStream().readNBytes(text.length());
        assertEquals(text, new String(back));
    }

    @Test
    void newBalanceAlgorithmAppliesToNewConnectionsOverTheSameServers() throws Exception {
        try (var a = Origins.label("A"); var b = Origins.label("B")) {
            BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("A", "127.0.0.1", a.port()),
                    ServerConfig.of("B", "127.0.0.1", b.port())));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
                assertEquals(Map.of("A", 5, "B", 5), hits(p, 10));
                BackendRuntime rt = p.backends.get("be");
                ServerRuntime sa = rt.server("A");
                rt.reconfigure(BackendConfig.of("be", "first", be.servers()));
                assertTrue(p.engine.reconfigureBackend(rt));
                assertEquals(Map.of("A", 10), hits(p, 10)); // first: everything to the first server
                assertSame(sa, rt.server("A"));
                assertEquals(15, sa.counters().connectionsTotal.sum()); // 5 before + 10 after: counters kept
            }
        }
    }

    @Test
    void newServerTimeoutAppliesToNewConnectionsWhileOldOnesKeepTheirs() throws Exception {
        try (var echo = Origins.echo("E")) {
            BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("E", "127.0.0.1", echo.port())));
            // timeout client 1h on the frontend: the shorter timeout server must still fire (the
            // session's timer is re-armed earlier once the backend is known).
            FrontendConfig fe = ProxyFixture.frontend("be").withTimeouts(new Timeouts(null, Duration.ofHours(1), null,
                    null, null, null, null, null));
            try (ProxyFixture p = new ProxyFixture(fe, List.of(be));
                 Socket before = open(p)) {
                roundTrip(before, "one");
                BackendRuntime rt = p.backends.get("be");
                rt.reconfigure(be.withTimeouts(new Timeouts(null, null, Duration.ofMillis(300), null, null, null,
                        null, null)));
                p.engine.reconfigureBackend(rt);
                try (Socket after = open(p)) {
                    roundTrip(after, "two");
                    // Idle past the new timeout server: the proxy closes it (EOF within the deadline).
                    after.setSoTimeout(30_000);
                    assertEquals(-1, after.getInputStream().read());
                }
                // "before" has been idle at least as long, but started without a server timeout.
                roundTrip(before, "still here");
            }
        }
    }

    @Test
    void redispatchTurnedOnByReloadSavesNewConnections() throws Exception {
        int dead = Origins.refusedPort();
        try (var a = Origins.label("A")) {
            BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("dead", "127.0.0.1", dead),
                    ServerConfig.of("A", "127.0.0.1", a.port()))).withRetries(1, false);
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
                Map<String, Integer> without = hits(p, 10);
                assertEquals(5, without.getOrDefault("", 0), without.toString()); // rr hits dead every other time
                BackendRuntime rt = p.backends.get("be");
                rt.reconfigure(be.withRetries(1, true));
                p.engine.reconfigureBackend(rt);
                assertEquals(Map.of("A", 10), hits(p, 10));
                assertTrue(p.counters.redispatches.sum() >= 5, "redispatches " + p.counters.redispatches.sum());
            }
        }
    }

    @Test
    void frontendRulesChangeInPlaceWithoutClosingTheListener() throws Exception {
        try (var a = Origins.label("A")) {
            BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("A", "127.0.0.1", a.port())));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
                assertEquals(Map.of("A", 3), hits(p, 3));
                FrontendConfig reject = ProxyFixture.frontend("be").withRules(List.of(), List.of(new TcpRequestRule(
                        TcpRequestRule.Phase.CONNECTION, TcpRequestRule.Action.REJECT, null,
                        io.l4lb.core.config.SourcePos.NONE)), Duration.ZERO, List.of());
                p.engine.updateFrontend(reject, p.backends);
                assertEquals(Map.of("", 3), hits(p, 3)); // same port, now rejected
                assertEquals(List.of(p.address), p.engine.boundAddresses("fe"));
                assertEquals(3, p.counters.denied.sum());
                assertEquals(6, p.counters.connectionsTotal.sum()); // the frontend's counters carry over
                p.engine.updateFrontend(ProxyFixture.frontend("be"), p.backends);
                assertEquals(Map.of("A", 3), hits(p, 3));
            }
        }
    }

    @Test
    void raisingFrontendMaxconnServesTheConnectionThatWasWaiting() throws Exception {
        try (var echo = Origins.echo("E")) {
            BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("E", "127.0.0.1", echo.port())));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be").withMaxconn(1), List.of(be));
                 Socket first = open(p)) {
                roundTrip(first, "first");
                try (Socket second = open(p)) {
                    second.getOutputStream().write("x".getBytes());
                    second.setSoTimeout(500);
                    InputStream in = second.getInputStream();
                    boolean waited;
                    try {
                        in.read();
                        waited = false;
                    } catch (SocketTimeoutException e) {
                        waited = true;
                    }
                    assertTrue(waited, "the second connection must wait at maxconn 1");
                    p.engine.updateFrontend(ProxyFixture.frontend("be").withMaxconn(2), p.backends);
                    second.setSoTimeout(30_000);
                    assertEquals('x', in.read());
                    roundTrip(first, "first still flows");
                }
            }
        }
    }
}
