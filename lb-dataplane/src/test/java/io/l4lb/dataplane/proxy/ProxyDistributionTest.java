package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scheduling through the running proxy: the server each connection lands on, over real sockets. */
@ExtendWith(NettyLeakExtension.class)
class ProxyDistributionTest {

    private static ServerConfig server(Origins.Origin o, ServerConfig.ServerOptions opts) {
        return ServerConfig.of(o.name, "127.0.0.1", o.port()).withOptions(opts);
    }

    private static Map<String, Integer> run(ProxyFixture p, int conns) throws IOException {
        Map<String, Integer> hits = new TreeMap<>();
        for (int i = 0; i < conns; i++) {
            hits.merge(Origins.readAll(p.address), 1, Integer::sum);
        }
        return hits;
    }

    @Test
    void roundRobinGivesExactThirdsOver300Connections() throws Exception {
        try (var a = Origins.label("A"); var b = Origins.label("B"); var c = Origins.label("C")) {
            var d = ServerConfig.ServerOptions.DEFAULTS;
            BackendConfig be = BackendConfig.of("be", "rr", List.of(server(a, d), server(b, d), server(c, d)));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
                assertEquals(Map.of("A", 100, "B", 100, "C", 100), run(p, 300));
                assertEquals(300, p.counters.connectionsTotal.sum());
                Await.until(() -> p.counters.connectionsActive.get() == 0, 5000, "sessions to end");
                assertEquals(100, p.server("be", "A").counters().connectionsTotal.sum());
                assertEquals(100, p.server("be", "B").counters().bytesOut.sum());
            }
        }
    }

    @Test
    void weightedRoundRobin3To5Gives300And500Of800() throws Exception {
        try (var a = Origins.label("A"); var b = Origins.label("B")) {
            var d = ServerConfig.ServerOptions.DEFAULTS;
            BackendConfig be = BackendConfig.of("be", "wrr",
                    List.of(server(a, d.withWeight(3)), server(b, d.withWeight(5))));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
                assertEquals(Map.of("A", 300, "B", 500), run(p, 800));
            }
        }
    }

    @Test
    void weightZeroAndDisabledServersReceiveNothing() throws Exception {
        try (var a = Origins.label("A"); var b = Origins.label("B"); var c = Origins.label("C")) {
            var d = ServerConfig.ServerOptions.DEFAULTS;
            BackendConfig be = BackendConfig.of("be", "rr",
                    List.of(server(a, d), server(b, d.withWeight(0)), server(c, d.withDisabled(true))));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
                assertEquals(Map.of("A", 60), run(p, 60));
                assertEquals(0, b.accepted.get());
                assertEquals(0, c.accepted.get());
            }
        }
    }

    @Test
    void backupsServeOnlyWhenActivesAreGone() throws Exception {
        try (var a = Origins.label("A"); var b = Origins.label("B"); var c = Origins.label("C")) {
            var d = ServerConfig.ServerOptions.DEFAULTS;
            BackendConfig be = BackendConfig.of("be", "rr",
                    List.of(server(a, d), server(b, d), server(c, d.withBackup(true))));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
                assertEquals(Map.of("A", 30, "B", 30), run(p, 60));
                BackendRuntime rt = p.backends.get("be");
                rt.setHealth(rt.server("A"), false, "test: down");
                assertEquals(Map.of("B", 10), run(p, 10));
                rt.setHealth(rt.server("B"), false, "test: down");
                assertEquals(Map.of("C", 20), run(p, 20));
                rt.setHealth(rt.server("A"), true, "test: up");
                assertEquals(Map.of("A", 5), run(p, 5));
            }
        }
    }

    @Test
    void leastConnectionSendsANewConnectionToTheServerWithFewestOpen() throws Exception {
        try (var a = Origins.label("A"); var b = Origins.label("B"); var c = Origins.label("C")) {
            var d = ServerConfig.ServerOptions.DEFAULTS;
            BackendConfig be = BackendConfig.of("be", "lc", List.of(server(a, d), server(b, d), server(c, d)));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
                List<Socket> held = new ArrayList<>();
                Map<String, Socket> byServer = new TreeMap<>();
                try {
                    // Two held connections per server: lc must spread them 2/2/2.
                    for (int i = 0; i < 6; i++) {
                        Socket s = new Socket();
                        s.connect(p.address, 5000);
                        s.setSoTimeout(10_000);
                        String label = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                        held.add(s);
                        byServer.put(label + i, s);
                    }
                    Map<String, Integer> open = new TreeMap<>();
                    byServer.keySet().forEach(k -> open.merge(k.substring(0, 1), 1, Integer::sum));
                    assertEquals(Map.of("A", 2, "B", 2, "C", 2), open);
                    // Free one slot on B: the next connection, and only it, must go to B.
                    String bKey = byServer.keySet().stream().filter(k -> k.startsWith("B")).findFirst().orElseThrow();
                    byServer.get(bKey).close();
                    Await.until(() -> p.server("be", "B").load().active() == 1, 5000, "B to drop to 1");
                    Socket s = new Socket();
                    s.connect(p.address, 5000);
                    s.setSoTimeout(10_000);
                    held.add(s);
                    assertEquals("B", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                    assertTrue(p.server("be", "B").load().active() == 2);
                } finally {
                    for (Socket s : held) {
                        s.close();
                    }
                }
            }
        }
    }
}
