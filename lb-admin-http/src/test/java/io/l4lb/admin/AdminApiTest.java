package io.l4lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JSON runtime API over real HTTP on loopback (JDK HttpClient -> Netty admin listener). */
class AdminApiTest {
    private static final String T = AdminFixture.TOKEN;
    private final ObjectMapper mapper = new ObjectMapper();
    private final AdminFixture fx;

    AdminApiTest() throws InterruptedException {
        fx = new AdminFixture();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private JsonNode json(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        return mapper.readTree(r.body());
    }

    @Test
    void listsFrontendsBackendsAndServersWithStateWeightHealthAndCounters() throws Exception {
        BackendRuntime web = fx.rt.web();
        web.connectionOpened(web.server("s2"));
        web.setHealth(web.server("s1"), false, "Connection refused");
        JsonNode fes = json(fx.get("/api/frontends"), 200);
        assertEquals("fe_web", fes.get(0).get("name").asText());
        assertEquals("127.0.0.1:8080", fes.get(0).get("binds").get(0).asText());
        assertTrue(fes.get(0).get("stats").has("sessions_total"));
        JsonNode bes = json(fx.get("/api/backends"), 200);
        assertEquals(List.of("web", "db"), List.of(bes.get(0).get("name").asText(), bes.get(1).get("name").asText()));
        assertEquals("wrr", bes.get(0).get("scheduler").asText());
        JsonNode s1 = bes.get(0).get("servers").get(0);
        assertEquals("DOWN", s1.get("state").asText());
        assertEquals("Connection refused", s1.get("health").get("reason").asText());
        JsonNode all = json(fx.get("/api/servers"), 200);
        assertEquals(5, all.size());
        JsonNode s2 = json(fx.get("/api/backends/web/servers/s2"), 200);
        assertEquals(1, s2.get("stats").get("current_sessions").asInt());
        assertEquals(2, s2.get("weight").asInt());
        assertEquals("UP", s2.get("state").asText());
        JsonNode cfg = json(fx.get("/api/config"), 200);
        assertEquals("/etc/l4lb/test.cfg", cfg.get("source").asText());
        assertEquals(1, cfg.get("version").asInt());
    }

    @Test
    void mutationsNeedTheBearerToken() throws Exception {
        assertEquals("missing 'Authorization: Bearer TOKEN' header",
                json(fx.send("POST", "/api/backends/web/servers/s1/drain", "", null), 401).get("error").asText());
        assertEquals("wrong bearer token",
                json(fx.send("POST", "/api/backends/web/servers/s1/drain", "", "nope"), 401).get("error").asText());
        assertEquals(401, fx.send("POST", "/api/reload", "", null).statusCode());
        assertEquals(0, fx.rt.reloads.get());
        assertEquals(AdminState.READY, fx.rt.web().server("s1").adminState());
        json(fx.send("POST", "/api/backends/web/servers/s1/drain", "", T), 200);
        assertEquals(AdminState.DRAIN, fx.rt.web().server("s1").adminState());
    }

    @Test
    void wrongMethodIs405UnknownIs404BadValueIs400() throws Exception {
        HttpResponse<String> r = fx.send("DELETE", "/api/frontends", null, T);
        assertEquals("method DELETE not allowed on /api/frontends", json(r, 405).get("error").asText());
        assertEquals("GET, HEAD", r.headers().firstValue("allow").orElseThrow());
        assertEquals(405, fx.send("GET", "/api/reload", null, T).statusCode());
        assertEquals("no server 'zz' in backend 'web'",
                json(fx.send("PUT", "/api/backends/web/servers/zz/weight", "{\"weight\":3}", T), 404)
                        .get("error").asText());
        assertEquals("no backend 'nope'", json(fx.get("/api/backends/nope"), 404).get("error").asText());
        assertEquals(404, fx.get("/api/whatever").statusCode());
        for (String bad : List.of("{\"weight\":-1}", "{\"weight\":257}", "{\"weight\":\"x\"}", "{\"weight\":1.5}",
                "{}", "not json", "[1]")) {
            JsonNode e = json(fx.send("PUT", "/api/backends/web/servers/s1/weight", bad, T), 400);
            assertNotNull(e.get("error").asText(), bad);
        }
        assertEquals(1, fx.rt.web().server("s1").weight());
        assertTrue(json(fx.send("PUT", "/api/backends/web/servers/s1/state", "{\"state\":\"sleep\"}", T), 400)
                .get("error").asText().contains("ready, drain, maint"));
    }

    @Test
    void setWeightDrainMaintReadyChangeTheScheduler() throws Exception {
        BackendRuntime web = fx.rt.web();
        JsonNode r = json(fx.send("PUT", "/api/backends/web/servers/s1/weight", "{\"weight\":7}", T), 200);
        assertEquals(7, r.get("weight").asInt());
        assertEquals(7, web.server("s1").effectiveWeight());
        json(fx.send("POST", "/api/backends/web/servers/s2/maint", "", T), 200);
        json(fx.send("POST", "/api/backends/web/servers/s3/state", "{\"state\":\"drain\"}", T), 200);
        assertEquals(List.of("s1"), web.snapshot().members().stream().map(s -> s.name()).toList());
        assertEquals("MAINT", json(fx.get("/api/backends/web/servers/s2"), 200).get("state").asText());
        json(fx.send("POST", "/api/backends/web/servers/s2/ready", "", T), 200);
        assertEquals(List.of("s1", "s2"), web.snapshot().members().stream().map(s -> s.name()).toList());
    }

    @Test
    void addAndRemoveAServerAtRunTime() throws Exception {
        JsonNode added = json(fx.send("POST", "/api/backends/web/servers",
                "{\"name\":\"s4\",\"address\":\"127.0.0.1\",\"port\":10004,\"weight\":4}", T), 201);
        assertEquals("UP", added.get("state").asText());
        BackendRuntime web = fx.rt.web();
        assertNotNull(web.server("s4"));
        assertTrue(web.snapshot().members().stream().anyMatch(s -> s.name().equals("s4")));
        assertEquals(409, fx.send("POST", "/api/backends/web/servers",
                "{\"name\":\"s4\",\"address\":\"127.0.0.1\",\"port\":10004}", T).statusCode());
        assertEquals(400, fx.send("POST", "/api/backends/web/servers",
                "{\"name\":\"s5\",\"address\":\"127.0.0.1\",\"port\":70000}", T).statusCode());
        assertEquals(401, fx.send("DELETE", "/api/backends/web/servers/s4", null, null).statusCode());
        json(fx.send("DELETE", "/api/backends/web/servers/s4", null, T), 200);
        assertNull(web.server("s4"));
        assertEquals(404, fx.send("DELETE", "/api/backends/web/servers/s4", null, T).statusCode());
    }

    @Test
    void addedServerTakesServerLineKeywordsFromOptions() throws Exception {
        JsonNode added = json(fx.send("POST", "/api/backends/web/servers",
                "{\"name\":\"s6\",\"address\":\"127.0.0.1\",\"port\":10006,"
                        + "\"options\":\"check inter 150ms fall 4 weight 9 on-marked-down shutdown-sessions\"}", T), 201);
        assertEquals(9, added.get("weight").asInt());
        var o = fx.rt.web().server("s6").config().options();
        assertTrue(o.check());
        assertEquals(java.time.Duration.ofMillis(150), o.inter());
        assertEquals(4, o.fall());
        assertEquals(io.l4lb.core.config.ServerConfig.MarkedAction.SHUTDOWN_SESSIONS, o.onMarkedDown());
        // "weight" in the body wins over the keyword
        json(fx.send("POST", "/api/backends/web/servers",
                "{\"name\":\"s7\",\"address\":\"127.0.0.1\",\"port\":10007,\"weight\":3,\"options\":\"weight 9\"}", T), 201);
        assertEquals(3, fx.rt.web().server("s7").weight());
        JsonNode bad = json(fx.send("POST", "/api/backends/web/servers",
                "{\"name\":\"s8\",\"address\":\"127.0.0.1\",\"port\":10008,\"options\":\"check intr 1s\"}", T), 400);
        assertTrue(bad.get("error").asText().contains("intr"), bad.toString());
        assertEquals(400, fx.send("POST", "/api/backends/web/servers",
                "{\"name\":\"s8\",\"address\":\"127.0.0.1\",\"port\":10008,\"options\":\"check\\nfrontend x\"}", T).statusCode());
        assertNull(fx.rt.web().server("s8"));
    }

    @Test
    void reloadReportsSuccessOrKeepsTheOldConfigWithTheError() throws Exception {
        JsonNode ok = json(fx.send("POST", "/api/reload", "", T), 200);
        assertTrue(ok.get("ok").asBoolean());
        assertEquals(2, json(fx.get("/api/config"), 200).get("version").asInt());
        fx.rt.reloadAnswer = () -> new RuntimeView.ReloadResult(false, 2,
                List.of("/etc/l4lb/test.cfg:12:5: 'balance': nope (expected: a scheduler)"), List.of());
        JsonNode bad = json(fx.send("POST", "/api/reload", "", T), 400);
        assertTrue(bad.get("error").asText().contains("test.cfg:12:5"), bad.toString());
        assertEquals(2, json(fx.get("/api/config"), 200).get("version").asInt());
    }

    @Test
    void metricsAndStatsPageAreServedToo() throws Exception {
        HttpResponse<String> m = fx.get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.body().contains("l4lb_server_up{proxy=\"web\",server=\"s1\"} 1.0"));
        HttpResponse<String> page = fx.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("data-server=\"s3\""));
        assertTrue(page.body().contains("http-equiv=\"refresh\" content=\"5\""));
    }
}
