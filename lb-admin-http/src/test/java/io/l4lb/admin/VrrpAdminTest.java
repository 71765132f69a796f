package io.l4lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l4lb.core.stats.VrrpStats;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** VRRP in the admin plane: {@code /api/vrrp}, {@code /api/vrrp/NAME} and the {@code l4lb_vrrp_*} metrics. */
class VrrpAdminTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final AdminFixture fx;

    VrrpAdminTest() throws InterruptedException {
        fx = new AdminFixture();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    static VrrpStats stats(String name, String state, int prio, long transitions, long ttlDrops, long late) {
        Map<String, Long> dropped = new LinkedHashMap<>();
        dropped.put("ttl", ttlDrops);
        dropped.put("checksum", 0L);
        dropped.put("auth", 3L);
        return new VrrpStats(name, "eth0", 51, state, prio, 150, transitions, 1000, 20, late, 5, dropped);
    }

    @Test
    void apiListsInstancesWithStatePriorityCountersAndDrops() throws Exception {
        fx.rt.vrrp = List.of(stats("vi1", "MASTER", 90, 2, 7, 1), stats("vi2", "BACKUP", 100, 1, 0, 0));
        HttpResponse<String> r = fx.get("/api/vrrp");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode all = mapper.readTree(r.body());
        assertEquals(2, all.size());
        JsonNode vi1 = all.get(0);
        assertEquals("vi1", vi1.get("name").asText());
        assertEquals("MASTER", vi1.get("state").asText());
        assertEquals(90, vi1.get("priority").asInt());
        assertEquals(150, vi1.get("configured_priority").asInt());
        assertEquals(51, vi1.get("vrid").asInt());
        assertEquals(2, vi1.get("stats").get("transitions_total").asLong());
        assertEquals(2, vi1.get("stats").get("state").asLong());
        assertEquals(1, vi1.get("stats").get("adverts_late_total").asLong());
        assertEquals(10, vi1.get("stats").get("adverts_dropped_total").asLong());
        assertEquals(7, vi1.get("adverts_dropped").get("ttl").asLong());
        JsonNode one = mapper.readTree(fx.get("/api/vrrp/vi2").body());
        assertEquals("BACKUP", one.get("state").asText());
        HttpResponse<String> missing = fx.get("/api/vrrp/nope");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("no vrrp instance 'nope'"), missing.body());
        assertEquals(405, fx.send("POST", "/api/vrrp", "{}", AdminFixture.TOKEN).statusCode());
    }

    @Test
    void noVrrpSectionsIsAnEmptyList() throws Exception {
        HttpResponse<String> r = fx.get("/api/vrrp");
        assertEquals(200, r.statusCode());
        assertEquals("[]", r.body().strip());
        assertFalse(fx.metrics.scrape(fx.rt, "text/plain").body().contains("l4lb_vrrp_"));
    }

    @Test
    void metricsFollowTheLatestSnapshotAndPassPromtool() throws Exception {
        fx.rt.vrrp = List.of(stats("vi1", "BACKUP", 150, 1, 0, 0));
        String labels = "{interface=\"eth0\",vrid=\"51\",vrrp=\"vi1\"}";
        String out = fx.metrics.scrape(fx.rt, "text/plain").body();
        assertTrue(out.contains("l4lb_vrrp_state" + labels + " 1.0"), out);
        assertTrue(out.contains("l4lb_vrrp_priority" + labels + " 150.0"), out);
        assertTrue(out.contains("# TYPE l4lb_vrrp_transitions_total counter"), out);
        fx.rt.vrrp = List.of(stats("vi1", "MASTER", 90, 2, 7, 3));
        out = fx.metrics.scrape(fx.rt, "text/plain").body();
        assertTrue(out.contains("l4lb_vrrp_state" + labels + " 2.0"), out);
        assertTrue(out.contains("l4lb_vrrp_priority" + labels + " 90.0"), out);
        assertTrue(out.contains("l4lb_vrrp_transitions_total" + labels + " 2.0"), out);
        assertTrue(out.contains("l4lb_vrrp_adverts_late_total" + labels + " 3.0"), out);
        assertTrue(out.contains("l4lb_vrrp_adverts_dropped_total{interface=\"eth0\",reason=\"ttl\",vrid=\"51\",vrrp=\"vi1\"} 7.0"), out);
        assertTrue(out.contains("l4lb_vrrp_adverts_dropped_total{interface=\"eth0\",reason=\"checksum\",vrid=\"51\",vrrp=\"vi1\"} 0.0"), out);
        assertFalse(out.contains("_total_total"), out);
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        try {
            p.getOutputStream().write(out.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            p.getInputStream().transferTo(report);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals("", report.toString(StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
        fx.rt.vrrp = List.of();
        assertFalse(fx.metrics.scrape(fx.rt, "text/plain").body().contains("l4lb_vrrp_"), "instance gone, series gone");
    }
}
