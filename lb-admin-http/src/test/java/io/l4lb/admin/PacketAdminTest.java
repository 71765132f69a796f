package io.l4lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.DropCounters;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.core.stats.PacketPlaneStats;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * dr/tunnel counters in the admin plane: a packet-plane frontend (its {@link FrontendCounters} with
 * drop reasons) and the engine-wide {@link PacketPlaneStats}, seen through /metrics, /api and the
 * stats page of a real admin listener.
 */
class PacketAdminTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final AdminFixture fx;
    private final FrontendCounters dr = new FrontendCounters(new DropCounters(List.of("no_server", "no_neighbor")));

    PacketAdminTest() throws InterruptedException {
        fx = new AdminFixture();
        fx.rt.frontends.add(new RuntimeView.Frontend(FrontendConfig.of("fe_dr", BindConfig.of("10.0.0.100", 80), "web"), dr));
        dr.packets.add(12);
        dr.bytesIn.add(3456);
        dr.connectionsTotal.add(4);
        dr.connectionsActive.set(3);
        dr.connectionsInactive.set(1);
        dr.drops.increment(0);
        dr.drops.increment(0);
        ServerRuntime s1 = fx.rt.web().server("s1");
        s1.load().addActive(2);
        s1.load().addInactive(5);
        s1.counters().packets.add(9);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private static PacketPlaneStats plane(long noService, long noServer) {
        Map<String, Long> d = new LinkedHashMap<>();
        d.put("bad_ip_checksum", 1L);
        d.put("no_service", noService);
        d.put("no_server", noServer);
        return new PacketPlaneStats(100, 2, 0, 4, 1, 0, d);
    }

    @Test
    void metricsHaveFrontendServerAndEngineSeriesWithReasonsAndPassPromtool() throws Exception {
        fx.rt.packet = plane(3, 2);
        String out = fx.metrics.scrape(fx.rt, "text/plain").body();
        assertTrue(out.contains("l4lb_frontend_packets_total{proxy=\"fe_dr\"} 12.0"), out);
        assertTrue(out.contains("l4lb_frontend_bytes_in_total{proxy=\"fe_dr\"} 3456.0"), out);
        assertTrue(out.contains("l4lb_frontend_sessions_total{proxy=\"fe_dr\"} 4.0"), out);
        assertTrue(out.contains("l4lb_frontend_current_sessions{proxy=\"fe_dr\"} 3.0"), out);
        assertTrue(out.contains("l4lb_frontend_inactive_sessions{proxy=\"fe_dr\"} 1.0"), out);
        assertTrue(out.contains("l4lb_frontend_packets_dropped_total{proxy=\"fe_dr\",reason=\"no_server\"} 2.0"), out);
        assertTrue(out.contains("l4lb_frontend_packets_dropped_total{proxy=\"fe_dr\",reason=\"no_neighbor\"} 0.0"), out);
        assertFalse(out.contains("l4lb_frontend_packets_dropped_total{proxy=\"fe_web\""), "proxy frontends drop no packets");
        assertTrue(out.contains("l4lb_frontend_packets_total{proxy=\"fe_web\"} 0.0"), out);
        assertTrue(out.contains("l4lb_server_inactive_sessions{proxy=\"web\",server=\"s1\"} 5.0"), out);
        assertTrue(out.contains("l4lb_server_current_sessions{proxy=\"web\",server=\"s1\"} 2.0"), out);
        assertTrue(out.contains("l4lb_backend_inactive_sessions{proxy=\"web\"} 5.0"), out);
        assertTrue(out.contains("l4lb_packet_passed_total 100.0"), out);
        assertTrue(out.contains("l4lb_packet_flows_scheduled_total 4.0"), out);
        assertTrue(out.contains("l4lb_packet_dropped_total{reason=\"no_service\"} 3.0"), out);
        assertTrue(out.contains("# TYPE l4lb_packet_dropped_total counter"), out);
        assertFalse(out.contains("_total_total"), out);
        promtool(out);
        fx.rt.packet = plane(7, 2);
        out = fx.metrics.scrape(fx.rt, "text/plain").body();
        assertTrue(out.contains("l4lb_packet_dropped_total{reason=\"no_service\"} 7.0"), "the latest snapshot: " + out);
        fx.rt.packet = null;
        assertFalse(fx.metrics.scrape(fx.rt, "text/plain").body().contains("l4lb_packet_"), "no packet plane, no series");
    }

    @Test
    void apiShowsFrontendDropsAndThePacketPlane() throws Exception {
        assertEquals(404, fx.get("/api/packet").statusCode(), "no packet plane in this process");
        fx.rt.packet = plane(3, 2);
        HttpResponse<String> r = fx.get("/api/packet");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode p = mapper.readTree(r.body());
        assertEquals(100, p.get("stats").get("passed_total").asLong());
        assertEquals(6, p.get("stats").get("dropped_total").asLong());
        assertEquals(3, p.get("dropped").get("no_service").asLong());
        JsonNode fes = mapper.readTree(fx.get("/api/frontends").body());
        JsonNode fe = null;
        for (JsonNode n : fes) {
            if (n.get("name").asText().equals("fe_dr")) {
                fe = n;
            }
        }
        assertTrue(fe != null, fes.toString());
        assertEquals(12, fe.get("stats").get("packets_total").asLong());
        assertEquals(1, fe.get("stats").get("inactive_sessions").asLong());
        assertEquals(2, fe.get("stats").get("packets_dropped_total").asLong());
        assertEquals(2, fe.get("packets_dropped").get("no_server").asLong());
        JsonNode s1 = mapper.readTree(fx.get("/api/backends/web/servers/s1").body());
        assertEquals(5, s1.get("stats").get("inactive_sessions").asLong());
        assertEquals(9, s1.get("stats").get("packets_total").asLong());
    }

    @Test
    void statsPageHasThePacketPlaneAndTheFrontendDrops() throws Exception {
        fx.rt.packet = plane(3, 2);
        String html = fx.get("/stats").body();
        assertTrue(html.contains("id=\"packet\""), html);
        assertTrue(html.contains("<th>dropped no_service</th>"), html);
        assertTrue(html.contains("id=\"fe-drops-fe_dr\""), html);
        assertTrue(html.contains(">inactive_sessions</th>"), html);
    }

    private static void promtool(String exposition) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        try {
            p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            p.getInputStream().transferTo(report);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals("", report.toString(StandardCharsets.UTF_8));
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }
}
