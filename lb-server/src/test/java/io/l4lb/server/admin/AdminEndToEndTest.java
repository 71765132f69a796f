package io.l4lb.server.admin;

import io.l4lb.core.testing.LoopbackPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.admin.RuntimeView;
import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.server.Main;
import io.l4lb.server.runtime.ProxyRuntime;
import io.l4lb.server.runtime.ServerAddressResolver;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin plane inside a real running proxy, driven the way an operator does: {@code l4lb ctl}
 * against the admin listener, the {@code stats uri} listener with basic auth, reload through the
 * API and through a real SIGHUP sent to this JVM, with the config file rewritten on disk.
 */
class AdminEndToEndTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closers = new ArrayList<>();
    private int fePort;
    private int adminPort;
    private int statsPort;
    private int originPort;
    private Path cfg;
    private Path tokenFile;
    private ProxyRuntime runtime;
    private ProcessRuntimeView view;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
    }


    private String config(String webServers) {
        return config(webServers, fePort, "");
    }

    private String config(String webServers, int frontendPort, String extra) {
        return """
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 1m
                    timeout server 1m

                frontend fe
                    bind 127.0.0.1:%d
                    default_backend web

                backend web
                    balance roundrobin
                %s
                admin
                    bind 127.0.0.1:%d
                    token-file %s

                listen stats
                    bind 127.0.0.1:%d
                    mode http
                    stats enable
                    stats uri /stats
                    stats refresh 5s
                    stats auth admin:pw
                %s""".formatted(frontendPort, webServers, adminPort, tokenFile, statsPort, extra);
    }

    private void start() throws Exception {
        ServerSocket origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closers.add(origin);
        originPort = origin.getLocalPort();
        Thread.ofVirtual().start(() -> {
            while (!origin.isClosed()) {
                Socket accepted;
                try {
                    accepted = origin.accept();
                } catch (Exception e) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try (Socket s = accepted) {
                        InputStream in = s.getInputStream();
                        s.getOutputStream().write(in.readNBytes(4));
                    } catch (Exception e) {
                        // the client went away: nothing to echo
                    }
                });
            }
        });
        fePort = LoopbackPorts.free();
        adminPort = LoopbackPorts.free();
        statsPort = LoopbackPorts.free();
        tokenFile = dir.resolve("admin.token");
        Files.writeString(tokenFile, "tok-123\n");
        cfg = dir.resolve("l4lb.cfg");
        Files.writeString(cfg, config("    server s1 127.0.0.1:" + originPort + " weight 1\n"));
        L4Config config = ConfigParser.parseFile(cfg);
        runtime = ProxyRuntime.of(config);
        closers.add(runtime);
        runtime.start();
        view = new ProcessRuntimeView(cfg, config, runtime, new ServerAddressResolver(ServerAddressResolver.SYSTEM));
        AdminPlane plane = AdminPlane.start(config, view);
        closers.add(plane);
    }

    private String[] ctl(int expectedExit, String... action) throws Exception {
        List<String> args = new ArrayList<>(List.of("ctl", "--url", "http://127.0.0.1:" + adminPort,
                "--token-file", tokenFile.toString()));
        args.addAll(List.of(action));
        return ctlRaw(expectedExit, args);
    }

    private static String[] ctlRaw(int expectedExit, List<String> args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String[] r = {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        assertEquals(expectedExit, code, "stdout: " + r[0] + "\nstderr: " + r[1]);
        return r;
    }

    private void oneConnection() throws Exception {
        oneConnection(fePort);
    }

    private static void oneConnection(int port) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void ctlShowsServersAndChangesThem() throws Exception {
        start();
        oneConnection();
        String table = ctl(0, "show", "servers")[0];
        assertTrue(table.contains("TCP  127.0.0.1:" + fePort + " wrr"), table);
        assertTrue(table.matches("(?s).*-> 127\\.0\\.0\\.1:" + originPort + " +Masq +1 +\\d+ +0 +s1 +UP.*"), table);
        ctl(0, "set", "weight", "web/s1", "7");
        BackendRuntime web = runtime.backends().get("web");
        assertEquals(7, web.server("s1").weight());
        ctl(0, "drain", "web/s1");
        assertEquals(AdminState.DRAIN, web.server("s1").adminState());
        ctl(0, "ready", "web/s1");
        assertEquals(AdminState.READY, web.server("s1").adminState());
        assertTrue(ctl(1, "set", "weight", "web/nope", "3")[1].contains("404"));
        assertTrue(ctl(1, "set", "weight", "web/s1", "999")[1].contains("400"));
        String[] noToken = ctlRaw(1, List.of("ctl", "--url", "http://127.0.0.1:" + adminPort, "maint", "web/s1"));
        assertTrue(noToken[1].contains("401"), noToken[1]);
        assertEquals(AdminState.READY, web.server("s1").adminState());
        assertTrue(ctl(0, "show", "config")[0].contains("version 1"));
    }

    @Test
    void statsUriNeedsBasicAuthAndShowsTheServers() throws Exception {
        start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            URI u = URI.create("http://127.0.0.1:" + statsPort + "/stats");
            HttpResponse<String> anon = http.send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anon.statusCode());
            assertTrue(anon.headers().firstValue("www-authenticate").orElse("").startsWith("Basic"));
            String basic = "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(u).header("Authorization", basic).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("data-server=\"s1\" data-state=\"UP\""), page.body());
            assertTrue(page.body().contains("content=\"5\""));
            String wrong = "Basic " + Base64.getEncoder().encodeToString("admin:no".getBytes(StandardCharsets.UTF_8));
            assertEquals(401, http.send(HttpRequest.newBuilder(u).header("Authorization", wrong).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void reloadKeepsStateOfUnchangedServersAndRejectsABadFile() throws Exception {
        start();
        oneConnection();
        BackendRuntime web = runtime.backends().get("web");
        ServerRuntime s1 = web.server("s1");
        web.setHealth(s1, true, "checked by the test");
        Files.writeString(cfg, config("    server s1 127.0.0.1:" + originPort + " weight 4\n"
                + "    server s2 127.0.0.1:" + originPort + " weight 2\n"));
        String out = ctl(0, "reload")[0];
        assertTrue(out.contains("reloaded: version 2"), out);
        assertTrue(out.contains("server web/s1 weight 4"), out);
        assertTrue(out.contains("server web/s2 added"), out);
        assertSame(s1, web.server("s1"), "unchanged server keeps its runtime state");
        assertEquals(1, s1.counters().connectionsTotal.sum());
        assertEquals("checked by the test", s1.healthReason());
        assertEquals(4, s1.weight());
        assertNotNull(web.server("s2"));
        oneConnection();
        oneConnection();

        Files.writeString(cfg, config("    server s1 127.0.0.1:" + originPort + " weight banana\n"));
        String[] bad = ctl(1, "reload");
        assertTrue(bad[1].matches("(?s).*l4lb\\.cfg:13:38: .*banana.*weight.*"), bad[1]);
        assertNotNull(web.server("s2"), "the running config is kept");
        assertEquals(2, view.config().version());
        oneConnection();

        // Settings a running process cannot take: the reload succeeds and ctl names them.
        Files.writeString(cfg, config("    server s1 127.0.0.1:" + originPort + " weight 4\n"
                + "    server s2 127.0.0.1:" + originPort + " weight 2\n", fePort, "\nglobal\n    nbthread 3\n"));
        String restart = ctl(0, "reload")[0];
        assertTrue(restart.contains("reloaded: version 3"), restart);
        assertTrue(restart.contains("needs a restart to take effect:\n  global: nbthread"), restart);
        oneConnection();
    }

    @Test
    void reloadBindsNewListenersAndClosesRemovedOnesAfterTheirConnections() throws Exception {
        start();
        String servers = "    server s1 127.0.0.1:" + originPort + " weight 1\n";
        int fe2Port = LoopbackPorts.free();
        int fe3Port = LoopbackPorts.free();
        try (Socket live = new Socket(InetAddress.getLoopbackAddress(), fePort)) {
            live.setSoTimeout(10_000);
            // fe moves to a new port (changed), fe2 appears (added).
            Files.writeString(cfg, config(servers, fe3Port, """

                    frontend fe2
                        bind 127.0.0.1:%d
                        default_backend web
                    """.formatted(fe2Port)));
            String out = ctl(0, "reload")[0];
            assertTrue(out.contains("frontend fe2 listening"), out);
            assertTrue(out.contains("frontend fe listeners closed"), out);
            oneConnection(fe2Port);
            oneConnection(fe3Port);
            assertThrows(java.net.ConnectException.class,
                    () -> new Socket(InetAddress.getLoopbackAddress(), fePort).close());
            // The connection accepted before the reload still works end to end.
            live.getOutputStream().write("live".getBytes(StandardCharsets.US_ASCII));
            assertEquals("live", new String(live.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
        }
        // fe2 removed again: its listener closes.
        Files.writeString(cfg, config(servers, fe3Port, ""));
        assertTrue(ctl(0, "reload")[0].contains("frontend fe2 listeners closed"));
        assertThrows(java.net.ConnectException.class,
                () -> new Socket(InetAddress.getLoopbackAddress(), fe2Port).close());
        oneConnection(fe3Port);
        List<String> names = view.frontends().stream().map(RuntimeView.Frontend::name).toList();
        assertEquals(List.of("fe"), names);
    }

    @Test
    void sighupReloadsTheFile() throws Exception {
        start();
        CompletableFuture<RuntimeView.ReloadResult> done = new CompletableFuture<>();
        RuntimeView watching = new RuntimeView() {
            @Override
            public List<Frontend> frontends() {
                return view.frontends();
            }

            @Override
            public List<BackendRuntime> backends() {
                return view.backends();
            }

            @Override
            public ConfigInfo config() {
                return view.config();
            }

            @Override
            public ReloadResult reload() {
                ReloadResult r = view.reload();
                done.complete(r);
                return r;
            }
        };
        ExecutorService worker = HangupReload.install(watching);
        closers.add(worker::shutdownNow);
        Files.writeString(cfg, config("    server s1 127.0.0.1:" + originPort + " weight 9\n"));
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
        RuntimeView.ReloadResult r = done.get(30, TimeUnit.SECONDS);
        assertTrue(r.ok(), r.toString());
        assertEquals(9, runtime.backends().get("web").server("s1").weight());
        assertEquals(2, view.config().version());
    }
}
