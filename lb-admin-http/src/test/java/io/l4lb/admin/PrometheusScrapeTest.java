package io.l4lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l4lb.core.state.BackendRuntime;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's /usr/bin/prometheus) scrapes the admin listener every second;
 * the test marks one server down and one drained, waits for real scrapes to arrive, then asks
 * Prometheus' HTTP API what it stored. Prometheus asks for OpenMetrics first, so this also checks
 * that format end to end.
 */
class PrometheusScrapeTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void prometheusSeesTheTargetUpAndTheHealthValuesTheTestCaused(@TempDir Path dir) throws Exception {
        try (AdminFixture fx = new AdminFixture()) {
            BackendRuntime web = fx.rt.web();
            web.setHealth(web.server("s2"), false, "Connection refused");
            web.setAdminState(web.server("s3"), io.l4lb.core.state.AdminState.DRAIN);
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path cfg = dir.resolve("prometheus.yml");
            Files.writeString(cfg, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: l4lb
                        authorization:
                          credentials: %s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(AdminFixture.TOKEN, fx.address.getPort()));
            Process prom = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + cfg,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                // Wait for two real scrapes: the samples of the first are stored once the second starts.
                for (int i = 0; i < 2; i++) {
                    String p;
                    do {
                        p = fx.served.poll(60, TimeUnit.SECONDS);
                        assertNotNull(p, "Prometheus did not scrape: " + Files.readString(dir.resolve("prometheus.log")));
                    } while (!p.equals("/metrics"));
                }
                String base = "http://127.0.0.1:" + port;
                assertEquals(1.0, query(fx, base, "up{job=\"l4lb\"}").get("").doubleValue());
                Map<String, Double> up = query(fx, base, "l4lb_server_up{proxy=\"web\"}");
                assertEquals(Map.of("s1", 1.0, "s2", 0.0, "s3", 0.0), up);
                Map<String, Double> drain = query(fx, base, "l4lb_server_status{proxy=\"web\",state=\"DRAIN\"}");
                assertEquals(Map.of("s3", 1.0), drain);
                assertEquals(1.0, query(fx, base, "l4lb_backend_active_servers{proxy=\"web\"}").get(""));
                assertEquals(Map.of("s3", 3.0), query(fx, base, "l4lb_server_weight{server=\"s3\"}"));
            } finally {
                prom.destroy();
                if (!prom.waitFor(20, TimeUnit.SECONDS)) {
                    prom.destroyForcibly();
                }
            }
        }
    }

    /** Instant query -> value by {@code server} label ("" when the series has none). */
    private Map<String, Double> query(AdminFixture fx, String base, String promql) throws Exception {
        URI u = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = fx.client.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode root = mapper.readTree(r.body());
        assertEquals("success", root.path("status").asText(), r.body());
        Map<String, Double> out = new HashMap<>();
        for (JsonNode series : root.path("data").path("result")) {
            out.put(series.path("metric").path("server").asText(""), series.path("value").get(1).asDouble());
        }
        assertTrue(!out.isEmpty(), "no series for " + promql + ": " + r.body());
        return out;
    }
}
