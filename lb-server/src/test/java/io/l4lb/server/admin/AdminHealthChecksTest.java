package io.l4lb.server.admin;

import io.l4lb.core.testing.LoopbackPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.server.runtime.HealthWiring;
import io.l4lb.server.runtime.ProxyRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers that join or leave the running process are health-checked like the configured ones:
 * wired as {@code l4lb run} does ({@link HealthWiring} given to {@link AdminWiring}), a server
 * added through the HTTP API or by a reload, whose port refuses, is checked and goes DOWN; one
 * removed stops being checked.
 */
class AdminHealthChecksTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closers = new ArrayList<>();
    private final LinkedBlockingQueue<String> changes = new LinkedBlockingQueue<>();
    private Path cfg;
    private int adminPort;
    private int fePort;
    private int originPort;
    private Path token;
    private ProxyRuntime runtime;
    private HealthWiring health;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
    }


    private String config(String extraServers) {
        return """
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                frontend fe
                    bind 127.0.0.1:%d
                    default_backend web
                backend web
                    balance roundrobin
                    server s1 127.0.0.1:%d check inter 100ms fall 2 rise 2
                %s
                admin
                    bind 127.0.0.1:%d
                    token-file %s
                """.formatted(fePort, originPort, extraServers, adminPort, token);
    }

    private BackendRuntime start() throws Exception {
        ServerSocket origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closers.add(origin); // accepts in the kernel backlog: enough for TCP checks
        originPort = origin.getLocalPort();
        fePort = LoopbackPorts.free();
        adminPort = LoopbackPorts.free();
        token = dir.resolve("token");
        Files.writeString(token, "t0k\n");
        cfg = dir.resolve("l4lb.cfg");
        Files.writeString(cfg, config(""));
        L4Config config = ConfigParser.parseFile(cfg);
        health = new HealthWiring(config.global());
        runtime = ProxyRuntime.of(config, health);
        closers.add(runtime);
        runtime.start();
        health.start(runtime);
        closers.add(health);
        closers.add(AdminWiring.start(cfg, config, runtime,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), health));
        BackendRuntime web = runtime.backends().get("web");
        web.addListener((be, s, usable, why) -> changes.add(s.name() + (usable ? " up" : " down: " + why)));
        return web;
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                    .header("Authorization", "Bearer t0k")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aServerAddedThroughTheApiIsCheckedAndGoesDownWhenItsPortRefuses() throws Exception {
        BackendRuntime web = start();
        int refused = LoopbackPorts.free();
        HttpResponse<String> r = send("POST", "/api/backends/web/servers", """
                {"name": "s9", "address": "127.0.0.1", "port": %d, "options": "check inter 100ms fall 2 rise 2"}
                """.formatted(refused));
        assertEquals(201, r.statusCode(), r.body());
        ServerRuntime s9 = web.server("s9");
        assertNotNull(health.service().health(s9), "s9 is checked");
        String change = changes.poll(10, TimeUnit.SECONDS);
        assertNotNull(change, "s9 goes down");
        assertTrue(change.startsWith("s9 down"), change);
        assertEquals("L4CON", s9.lastCheck().status(), "" + s9.lastCheck());
        assertTrue(web.server("s1").usable(), "the configured server is still up");
        assertTrue(send("GET", "/api/backends/web/servers/s9", null).body().contains("\"DOWN\""));

        // Without "check" an added server is not checked (the API's default), as HAProxy's add server.
        assertEquals(201, send("POST", "/api/backends/web/servers",
                "{\"name\": \"s10\", \"address\": \"127.0.0.1\", \"port\": %d}".formatted(refused)).statusCode());
        assertNull(health.service().health(web.server("s10")));

        assertEquals(200, send("DELETE", "/api/backends/web/servers/s9", null).statusCode());
        assertNull(health.service().health(s9), "removed: no longer checked");
    }

    @Test
    void reloadStartsChecksForAddedServersAndStopsThemForRemovedOnes() throws Exception {
        BackendRuntime web = start();
        ServerRuntime s1 = web.server("s1");
        assertNotNull(health.service().health(s1));
        int refused = LoopbackPorts.free();
        Files.writeString(cfg, config("    server s2 127.0.0.1:%d check inter 100ms fall 1 rise 2\n".formatted(refused)));
        HttpResponse<String> r = send("POST", "/api/reload", "");
        assertEquals(200, r.statusCode(), r.body());
        ServerRuntime s2 = web.server("s2");
        assertNotNull(s2, r.body());
        assertNotNull(health.service().health(s2), "s2 is checked");
        String change = changes.poll(10, TimeUnit.SECONDS);
        assertNotNull(change, "s2 goes down");
        assertTrue(change.startsWith("s2 down"), change);
        assertNotNull(health.service().health(s1), "unchanged s1 keeps its checks");

        // Changed settings, same address: a new runtime state checked in place of the old one,
        // which keeps the health state (DOWN, no init-state reset) and the counters.
        s2.counters().connectErrors.add(7);
        Files.writeString(cfg, config("    server s2 127.0.0.1:%d check inter 200ms fall 1 rise 2\n".formatted(refused)));
        HttpResponse<String> changed = send("POST", "/api/reload", "");
        assertEquals(200, changed.statusCode());
        assertTrue(changed.body().contains("server web/s2 changed in place (new settings; health state and counters kept)"),
                changed.body());
        ServerRuntime s2b = web.server("s2");
        assertTrue(s2b != s2);
        assertFalse(s2b.healthUp(), "s2 stays DOWN across the reload");
        assertEquals(7, s2b.counters().connectErrors.sum());
        assertEquals(200, s2b.config().options().inter().toMillis());
        assertTrue(changes.isEmpty() || !changes.peek().startsWith("s2 up"), "no UP flap: " + changes);
        assertNull(health.service().health(s2), "the old state is no longer checked");
        assertNotNull(health.service().health(s2b));

        Files.writeString(cfg, config(""));
        assertEquals(200, send("POST", "/api/reload", "").statusCode());
        assertNull(web.server("s2"));
        assertNull(health.service().health(s2b), "removed: no longer checked");
        assertNotNull(health.service().health(s1));
    }

    @Test
    void reloadOfTheCheckMethodRestartsChecksWithTheSameHealthState() throws Exception {
        BackendRuntime web = start();
        int refused = LoopbackPorts.free();
        String s2line = "    server s2 127.0.0.1:%d check inter 100ms fall 1 rise 2\n".formatted(refused);
        Files.writeString(cfg, config(s2line));
        assertEquals(200, send("POST", "/api/reload", "").statusCode());
        String down = changes.poll(10, TimeUnit.SECONDS);
        assertNotNull(down, "s2 goes down");
        assertTrue(down.startsWith("s2 down"), down);
        ServerRuntime s1 = web.server("s1");
        ServerRuntime s2 = web.server("s2");
        Object s2Health = health.service().health(s2);
        assertTrue(s1.usable(), "s1 passes the TCP connect check");

        // The origin of s1 accepts TCP but never answers HTTP: the new method must take it down.
        Files.writeString(cfg, config(s2line).replace("    balance roundrobin\n",
                "    balance roundrobin\n    option httpchk GET /health\n    timeout check 500ms\n"));
        HttpResponse<String> r = send("POST", "/api/reload", "");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("backend web settings applied in place: timeout check, health check method"),
                r.body());
        assertTrue(r.body().contains("\"restart_needed\":[]"), r.body());
        // Same runtime objects and the same health state: s2 stays DOWN, no init-state reset.
        assertSame(s2, web.server("s2"));
        assertSame(s2Health, health.service().health(s2));
        assertFalse(s2.usable(), "s2 is still down after the reload");
        String change = changes.poll(10, TimeUnit.SECONDS);
        assertNotNull(change, "s1 fails the HTTP check");
        assertTrue(change.startsWith("s1 down"), change);
        assertEquals("s1", web.server("s1").name());
        assertSame(s1, web.server("s1"));
    }
}
