package io.l4lb.server.admin;

import io.l4lb.core.testing.LoopbackPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.admin.RuntimeView;
import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.server.runtime.HealthWiring;
import io.l4lb.server.runtime.ProxyRuntime;
import io.l4lb.server.runtime.ServerAddressResolver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload applied in place inside a real running proxy with health checks: the config file is
 * rewritten on disk and re-read, clients are real loopback sockets, origins are plain JDK servers
 * that say their name and then echo. Backend settings (balance, timeout server, retries,
 * redispatch), frontend rules and global maxconn change for new connections at once; connections
 * opened before keep flowing; servers keep their runtime objects, health state and counters; what
 * cannot change while running is reported by name.
 */
class ReloadInPlaceTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closers = new ArrayList<>();
    private Path cfg;
    private ProxyRuntime runtime;
    private HealthWiring health;
    private ProcessRuntimeView view;
    private int fePort;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
    }


    /** An origin that writes "NAME\n" on accept, then echoes every byte. */
    private int origin(String name) throws Exception {
        ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        closers.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                Socket accepted;
                try {
                    accepted = server.accept();
                } catch (Exception e) {
                    return;
                }
                closers.add(accepted);
                Thread.ofVirtual().start(() -> {
                    try (Socket s = accepted) {
                        s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (Exception e) {
                        // client gone
                    }
                });
            }
        });
        return server.getLocalPort();
    }

    private void start(String text) throws Exception {
        cfg = dir.resolve("l4lb.cfg");
        Files.writeString(cfg, text);
        L4Config config = ConfigParser.parseFile(cfg);
        health = new HealthWiring(config.global());
        runtime = ProxyRuntime.of(config, health);
        closers.add(runtime);
        runtime.start();
        health.start(runtime);
        closers.add(health);
        view = new ProcessRuntimeView(cfg, config, runtime, new ServerAddressResolver(ServerAddressResolver.SYSTEM));
        view.setMembershipListener(health);
    }

    private RuntimeView.ReloadResult reload(String text) throws Exception {
        Files.writeString(cfg, text);
        RuntimeView.ReloadResult r = view.reload();
        assertTrue(r.ok(), r.errors().toString());
        return r;
    }

    /** A client connection: the name line of the server it reached, or "" when the proxy closed it. */
    private final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader in;
        final String server;

        Client() throws Exception {
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), fePort), 5000);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line = in.readLine();
            server = line == null ? "" : line;
        }

        void roundTrip(String text) throws Exception {
            OutputStream out = socket.getOutputStream();
            out.write((text + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(text, in.readLine());
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private Map<String, Integer> hits(int n) throws Exception {
        Map<String, Integer> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            try (Client c = new Client()) {
                m.merge(c.server, 1, Integer::sum);
            }
        }
        return m;
    }

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private String config(String global, String backendExtra, String frontendExtra, String servers) {
        return """
                global
                %s
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 1h
                    timeout server 1h

                frontend fe
                    bind 127.0.0.1:%d
                %s    default_backend web

                backend web
                %s%s""".formatted(global, fePort, frontendExtra, backendExtra, servers);
    }

    @Test
    void balanceAndTimeoutServerChangeForNewConnectionsWhileServersKeepHealthAndCounters() throws Exception {
        fePort = LoopbackPorts.free();
        int dead = LoopbackPorts.free();
        String servers = "    server a 127.0.0.1:" + origin("a") + " check inter 200ms rise 1 fall 1\n"
                + "    server b 127.0.0.1:" + origin("b") + " check inter 200ms rise 1 fall 1\n"
                + "    server c 127.0.0.1:" + dead + " check inter 200ms rise 1 fall 1\n";
        start(config("    maxconn 1000", "    balance roundrobin\n", "", servers));
        BackendRuntime web = runtime.backends().get("web");
        ServerRuntime a = web.server("a");
        ServerRuntime c = web.server("c");
        await(() -> !c.usable(), "server c to be checked DOWN");
        assertEquals(Map.of("a", 5, "b", 5), hits(10));
        long aBefore = a.counters().connectionsTotal.sum();
        try (Client live = new Client()) {
            live.roundTrip("before reload");
            RuntimeView.ReloadResult r = reload(config("    maxconn 1000",
                    "    balance first\n    timeout server 500ms\n", "", servers));
            assertTrue(r.changes().contains("backend web settings applied in place: balance, timeout server"),
                    r.changes().toString());
            assertEquals(List.of(), r.restartNeeded());
            assertEquals(Map.of("a", 10), hits(10)); // first: everything to the first usable server
            try (Client after = new Client()) {
                after.roundTrip("after reload");
                // Idle past the new timeout server: the proxy closes it.
                after.socket.setSoTimeout(30_000);
                assertEquals(-1, after.socket.getInputStream().read());
            }
            // Idle at least as long, but routed under the old settings (timeout server 1h): still flows.
            live.roundTrip("still flowing");
        }
        assertSame(a, web.server("a"));
        assertSame(web, view.backends().getFirst());
        assertTrue(a.counters().connectionsTotal.sum() >= aBefore + 11, "counters kept");
        assertTrue(!c.healthUp() && !c.usable(), "health state kept: " + c.healthReason());
        assertNotNull(health.service().health(a), "server a is still checked");
    }

    @Test
    void turningOnRedispatchByReloadSavesConnectionsFromADeadServer() throws Exception {
        fePort = LoopbackPorts.free();
        String servers = "    server dead 127.0.0.1:" + LoopbackPorts.free() + "\n"
                + "    server a 127.0.0.1:" + origin("a") + "\n";
        start(config("", "    balance roundrobin\n    retries 1\n", "", servers));
        Map<String, Integer> before = hits(10);
        assertEquals(5, before.getOrDefault("", 0), before.toString()); // every other one hits "dead" twice
        RuntimeView.ReloadResult r = reload(config("", "    balance roundrobin\n    retries 2\n    option redispatch\n",
                "", servers));
        assertTrue(r.changes().contains("backend web settings applied in place: retries, option redispatch"),
                r.changes().toString());
        assertEquals(Map.of("a", 10), hits(10));
        FrontendCounters fe = runtime.engine().counters("fe");
        assertTrue(fe.redispatches.sum() >= 5, "redispatches " + fe.redispatches.sum());
    }

    @Test
    void frontendRulesAndGlobalMaxconnApplyInPlaceAndTheRestIsReportedByName() throws Exception {
        fePort = LoopbackPorts.free();
        String servers = "    server a 127.0.0.1:" + origin("a") + "\n";
        start(config("    maxconn 100\n    nbthread 2", "", "", servers));
        FrontendCounters counters = runtime.engine().counters("fe");
        try (Client live = new Client()) {
            live.roundTrip("x");
            String vrrp = """

                    vrrp vi1
                        interface lo
                        virtual-router-id 51
                        priority 150
                        virtual-ipaddress 192.0.2.10/24
                    """;
            RuntimeView.ReloadResult r = reload(config("    maxconn 50\n    nbthread 3\n    hard-stop-after 5s", "",
                    "    tcp-request connection reject\n", servers) + vrrp);
            assertTrue(r.changes().contains("frontend fe settings applied in place: tcp-request"), r.changes().toString());
            assertTrue(r.changes().contains("global settings applied in place: maxconn 50, hard-stop-after"),
                    r.changes().toString());
            assertEquals(List.of("global: nbthread (event loops, transport and check spreading are set at start)",
                    "vrrp vi1 added (VRRP instances are started once)"), r.restartNeeded());
            assertTrue(r.changes().contains("vrrp vi1 added (VRRP instances are started once): not applied, needs a restart"));
            assertEquals(50, runtime.engine().globalMaxconn());
            assertEquals(Duration.ofSeconds(5), runtime.hardStopAfter());
            // Same listener, now rejecting; the connection accepted before still flows.
            assertEquals(Map.of("", 3), hits(3));
            assertSame(counters, runtime.engine().counters("fe"));
            assertEquals(3, counters.denied.sum());
            live.roundTrip("y");
        }
        reload(config("    maxconn 50\n    nbthread 3\n    hard-stop-after 5s", "", "", servers));
        assertEquals(Map.of("a", 2), hits(2));
    }
}
