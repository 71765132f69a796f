package io.l4lb.admin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l4lb.admin.metrics.PrometheusMetrics;
import io.micrometer.core.instrument.Clock;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every metric the shipped Grafana dashboard queries is one l4lb really exposes. */
class GrafanaDashboardTest {
    @Test
    void dashboardQueriesOnlyExistingMetrics() throws Exception {
        JsonNode d = new ObjectMapper().readTree(Path.of("..", "conf", "grafana-dashboard.json").toFile());
        Set<String> used = new TreeSet<>();
        Pattern name = Pattern.compile("l4lb_[a-z_]+");
        for (JsonNode panel : d.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                Matcher m = name.matcher(t.path("expr").asText());
                while (m.find()) {
                    used.add(m.group());
                }
            }
        }
        assertTrue(used.size() >= 10, used.toString());
        String scrape = new PrometheusMetrics(Clock.SYSTEM).scrape(new TestRuntime(), "text/plain").body();
        for (String metric : used) {
            assertTrue(scrape.contains("\n" + metric + "{"), metric + " is not exposed");
        }
    }
}
