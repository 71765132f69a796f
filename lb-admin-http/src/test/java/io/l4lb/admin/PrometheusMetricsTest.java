package io.l4lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.admin.metrics.PrometheusMetrics;
import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.LastCheck;
import io.l4lb.core.state.ServerRuntime;
import io.micrometer.core.instrument.Clock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {
    private final TestRuntime rt = new TestRuntime();
    private final PrometheusMetrics metrics = new PrometheusMetrics(Clock.SYSTEM);

    private String scrape() {
        return metrics.scrape(rt, "text/plain").body();
    }

    @Test
    void namesMirrorHaproxyExporterAndFollowTheCatalogue() {
        BackendRuntime web = rt.web();
        ServerRuntime s1 = web.server("s1");
        web.connectionOpened(s1);
        web.connectionOpened(s1);
        web.connectionClosed(s1);
        s1.counters().bytesIn.add(1234);
        rt.feCounters.connectionsActive.set(7);
        String out = scrape();
        assertTrue(out.contains("l4lb_server_sessions_total{proxy=\"web\",server=\"s1\"} 2.0"), out);
        assertTrue(out.contains("l4lb_server_current_sessions{proxy=\"web\",server=\"s1\"} 1.0"), out);
        assertTrue(out.contains("l4lb_server_bytes_in_total{proxy=\"web\",server=\"s1\"} 1234.0"), out);
        assertTrue(out.contains("l4lb_server_weight{proxy=\"web\",server=\"s3\"} 3.0"), out);
        assertTrue(out.contains("l4lb_frontend_current_sessions{proxy=\"fe_web\"} 7.0"), out);
        assertTrue(out.contains("l4lb_backend_sessions_total{proxy=\"web\"} 2.0"), out);
        assertTrue(out.contains("# TYPE l4lb_server_connection_errors_total counter"), out);
        assertTrue(out.contains("l4lb_backend_up{proxy=\"db\"} 1.0"), out);
        assertFalse(out.contains("_total_total"), out);
    }

    @Test
    void healthAndAdminStateChangesShowOnTheNextScrape() {
        BackendRuntime web = rt.web();
        assertTrue(scrape().contains("l4lb_server_up{proxy=\"web\",server=\"s2\"} 1.0"));
        web.setHealth(web.server("s2"), false, "Connection refused");
        web.server("s2").recordCheck(new LastCheck("L4CON", 4, false, -1, "Connection refused", 12, 0));
        web.setAdminState(web.server("s3"), AdminState.DRAIN);
        String out = scrape();
        assertTrue(out.contains("l4lb_server_up{proxy=\"web\",server=\"s2\"} 0.0"), out);
        assertTrue(out.contains("l4lb_server_check_status{proxy=\"web\",server=\"s2\",state=\"L4CON\"} 1.0"), out);
        assertFalse(out.contains("server=\"s2\",state=\"UNK\""), out);
        assertTrue(out.contains("l4lb_server_check_duration_seconds{proxy=\"web\",server=\"s2\"} 0.012"), out);
        assertTrue(out.contains("l4lb_server_status{proxy=\"web\",server=\"s3\",state=\"DRAIN\"} 1.0"), out);
        assertTrue(out.contains("l4lb_backend_active_servers{proxy=\"web\"} 1.0"), out);
    }

    @Test
    void removedServersDisappearAndAddedOnesAppear() {
        BackendRuntime web = rt.web();
        assertTrue(scrape().contains("server=\"s1\""));
        web.removeServer("s1");
        web.addServer(new ServerRuntime(TestRuntime.server("s9", 10009, 5),
                new java.net.InetSocketAddress("127.0.0.1", 10009)));
        String out = scrape();
        assertFalse(out.contains("server=\"s1\""), out);
        assertTrue(out.contains("l4lb_server_weight{proxy=\"web\",server=\"s9\"} 5.0"), out);
    }

    @Test
    void openMetricsWhenAskedFor() {
        PrometheusMetrics.Exposition e = metrics.scrape(rt, "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
        assertTrue(e.contentType().startsWith("application/openmetrics-text"), e.contentType());
        assertTrue(e.body().strip().endsWith("# EOF"), e.body());
        assertTrue(e.body().contains("l4lb_server_sessions_total{proxy=\"web\",server=\"s1\"} 0"), e.body());
        assertTrue(metrics.scrape(rt, null).contentType().startsWith("text/plain; version=0.0.4"));
    }

    /**
     * promtool (2.42) parses the Prometheus text format only: on OpenMetrics it reads a counter's
     * family name without {@code _total} as a missing HELP. OpenMetrics is checked by the real
     * Prometheus server instead ({@link PrometheusScrapeTest}), which asks for it first.
     */
    @Test
    void promtoolCheckMetricsReportsNothing() throws Exception {
        rt.web().setHealth(rt.web().server("s1"), false, "down");
        for (String accept : new String[] {"text/plain"}) {
            String body = metrics.scrape(rt, accept).body();
            Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
            try {
                p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                ByteArrayOutputStream report = new ByteArrayOutputStream();
                p.getInputStream().transferTo(report);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                assertEquals("", report.toString(StandardCharsets.UTF_8), "promtool on " + accept);
                assertEquals(0, p.exitValue());
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
