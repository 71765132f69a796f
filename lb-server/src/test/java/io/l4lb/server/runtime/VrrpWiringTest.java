package io.l4lb.server.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.admin.AdminRoutes;
import io.l4lb.admin.RuntimeView;
import io.l4lb.admin.http.AdminHttpServer;
import io.l4lb.admin.metrics.PrometheusMetrics;
import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.stats.VrrpStats;
import io.l4lb.dataplane.vrrp.DropReason;
import io.l4lb.dataplane.vrrp.VrrpStateMachine;
import io.l4lb.dataplane.vrrp.VrrpStatus;
import io.l4lb.server.Main;
import io.micrometer.core.instrument.Clock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VRRP wiring of {@code l4lb run} without sockets: config checks, VIPs, status conversion, ctl. */
class VrrpWiringTest {
    @TempDir
    Path dir;

    static final String BASE = """
            defaults
                mode tcp
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            frontend fe
                bind 192.0.2.10:80
                default_backend web
            backend web
                server s1 127.0.0.1:8081
            backend farm
                forward dr
                server r1 10.1.0.11
            backend site
                mode http
                server h1 127.0.0.1:8082
            """;

    static L4Config parse(String text) throws Exception {
        return ConfigParser.parse("test.cfg", text);
    }

    static String vrrp(String extra) {
        return """
                vrrp vi1
                    interface eth0
                    virtual-router-id 51
                    priority 150
                    advert-int 100ms
                    virtual-ipaddress 192.0.2.10/24
                    virtual-ipaddress 192.0.2.11/24
                """ + extra;
    }

    @Test
    void virtualAddressesAreTheVipsWithoutPrefix() throws Exception {
        L4Config c = parse(BASE + vrrp(""));
        assertEquals(List.of(InetAddress.ofLiteral("192.0.2.10"), InetAddress.ofLiteral("192.0.2.11")),
                VrrpWiring.virtualAddresses(c));
        assertEquals(List.of(), VrrpWiring.virtualAddresses(parse(BASE)));
        assertTrue(VrrpWiring.of(parse(BASE), Map.of(), System.out).isEmpty());
    }

    @Test
    void trackBackendNeedsARunningBackend() throws Exception {
        L4Config c = parse(BASE + vrrp("    track-backend site weight -50\n"));
        ProxyRuntime rt = ProxyRuntime.of(c);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> VrrpWiring.of(c, rt.backends(), System.out));
            assertEquals("vrrp vi1: 'track-backend': site (expected: a backend l4lb runs; only 'mode tcp' "
                    + "backends are tracked)", e.getMessage());
            for (String tracked : List.of("web", "farm")) { // proxy and DR backends both run
                L4Config ok = parse(BASE + vrrp("    track-backend " + tracked + " weight -50\n"));
                Map<String, BackendRuntime> backends = ProxyRuntime.of(ok).backends();
                assertEquals(1, VrrpWiring.of(ok, backends, System.out).instances().size(), tracked);
            }
        } finally {
            rt.close();
        }
    }

    @Test
    void runRejectsAnInvalidVrrpSectionBeforeBindingAnything() throws Exception {
        Path f = dir.resolve("bad.cfg");
        Files.writeString(f, BASE + vrrp("    track-backend site weight -50\n"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of("run", "-f", f.toString()), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "[ALERT] vrrp vi1: 'track-backend': site (expected: a backend l4lb runs"), err.toString());
    }

    static VrrpStatus status(VrrpStateMachine.State state, int prio, long ttlDrops) {
        return new VrrpStatus("vi1", "eth0", 51, state, prio, 150, 4, 100, 50, 1, 10,
                Map.of(DropReason.TTL, ttlDrops, DropReason.CHECKSUM, 2L));
    }

    @Test
    void statusBecomesTheCatalogueSnapshotWithEveryDropReason() {
        VrrpStats s = VrrpWiring.stats(status(VrrpStateMachine.State.MASTER, 90, 7));
        assertEquals("MASTER", s.state());
        assertEquals(2, s.stateCode());
        assertEquals(90, s.priority());
        assertEquals(150, s.configuredPriority());
        assertEquals(DropReason.values().length, s.dropped().size());
        assertEquals(7, s.dropped().get("ttl"));
        assertEquals(0, s.dropped().get("auth"));
        assertEquals(9, s.droppedTotal());
        assertEquals(0, VrrpWiring.stats(status(VrrpStateMachine.State.INITIALIZE, 150, 0)).stateCode());
    }

    @Test
    void ctlShowVrrpPrintsStatePriorityCountersAndDrops() throws Exception {
        List<VrrpStats> stats = List.of(VrrpWiring.stats(status(VrrpStateMachine.State.BACKUP, 100, 3)));
        RuntimeView view = new RuntimeView() {
            public List<Frontend> frontends() {
                return List.of();
            }

            public List<BackendRuntime> backends() {
                return List.of();
            }

            public ConfigInfo config() {
                return new ConfigInfo("t", 1, Instant.EPOCH);
            }

            public ReloadResult reload() {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<VrrpStats> vrrp() {
                return stats;
            }
        };
        try (AdminHttpServer server = new AdminHttpServer(
                new AdminRoutes(view, new PrometheusMetrics(Clock.SYSTEM), null, Duration.ofSeconds(5)))) {
            InetSocketAddress a = server.bind(new InetSocketAddress("127.0.0.1", 0));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Main.run(List.of("ctl", "--url", "http://127.0.0.1:" + a.getPort(), "show", "vrrp"),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
            String table = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, table);
            assertTrue(table.startsWith("Name"), table);
            assertTrue(table.matches("(?s).*\\nvi1 +eth0 +51 +BACKUP +100 +150 +4 +100 +50 +1 +5\\n.*"), table);
            assertTrue(table.contains("  vi1 dropped: checksum=2 ttl=3") || table.contains("  vi1 dropped: ttl=3 checksum=2"),
                    table);
        }
    }
}
