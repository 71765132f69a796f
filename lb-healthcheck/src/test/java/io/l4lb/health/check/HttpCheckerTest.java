package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.l4lb.core.config.HealthCheckConfig.Expect;
import io.l4lb.core.config.HealthCheckConfig.ExpectKind;
import io.l4lb.core.config.HealthCheckConfig.HttpCheck;
import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.l4lb.health.testing.Loop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code option httpchk} against the JDK's HttpServer answering /status/NNN with that status. */
class HttpCheckerTest {
    private static final Loop LOOP = new Loop();
    private static HttpServer server;
    private static final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " host=" + ex.getRequestHeaders().getFirst("Host"));
            int code = path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 200;
            byte[] body = ("state: " + (code == 200 ? "master" : "replica") + "\n").getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(code, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        LOOP.close();
    }

    private static CheckResult check(String method, String uri, String version, Expect expect) throws Exception {
        HttpChecker c = new HttpChecker(new HttpCheck(method, uri, version, List.of(), expect));
        return LOOP.run(c, LOOP.target(server.getAddress(), Duration.ofSeconds(2)));
    }

    @Test
    void defaultRuleAccepts2xxAnd3xx() throws Exception {
        assertEquals(CheckStatus.L7OK, check("GET", "/status/200", "HTTP/1.0", null).status());
        assertEquals(CheckStatus.L7OK, check("GET", "/status/302", "HTTP/1.0", null).status());
        CheckResult r = check("GET", "/status/503", "HTTP/1.0", null);
        assertEquals(CheckStatus.L7STS, r.status());
        assertEquals(503, r.code());
        assertTrue(r.info().contains("<503>"), r.info());
    }

    @Test
    void defaultRequestIsOptionsSlashHttp10() throws Exception {
        seen.clear();
        HttpChecker c = new HttpChecker(null);
        assertEquals(CheckStatus.L7OK, LOOP.run(c, LOOP.target(server.getAddress(), Duration.ofSeconds(2))).status());
        assertTrue(seen.peek().startsWith("OPTIONS / "), seen.toString());
    }

    @Test
    void http11RequestCarriesHostAndTheConfiguredMethodAndUri() throws Exception {
        seen.clear();
        assertEquals(CheckStatus.L7OK, check("HEAD", "/status/200?probe=1", "HTTP/1.1", null).status());
        assertEquals("HEAD /status/200?probe=1 host=127.0.0.1", seen.peek());
    }

    @Test
    void expectStatusAndRstatus() throws Exception {
        assertEquals(CheckStatus.L7OK, check("GET", "/status/204", "HTTP/1.0", new Expect(ExpectKind.STATUS, false, "200,204")).status());
        assertEquals(CheckStatus.L7STS, check("GET", "/status/200", "HTTP/1.0", new Expect(ExpectKind.STATUS, false, "204")).status());
        assertEquals(CheckStatus.L7OK, check("GET", "/status/404", "HTTP/1.0", new Expect(ExpectKind.RSTATUS, false, "^4")).status());
        assertEquals(CheckStatus.L7OK, check("GET", "/status/503", "HTTP/1.0", new Expect(ExpectKind.STATUS, true, "200-299")).status());
        assertEquals(CheckStatus.L7STS, check("GET", "/status/503", "HTTP/1.0", new Expect(ExpectKind.STATUS, false, "200-299")).status());
    }

    @Test
    void expectStringInTheBody() throws Exception {
        // Patroni-style: 200 with "master" vs 503 "replica"; the rule looks at the body
        assertEquals(CheckStatus.L7OK, check("GET", "/status/200", "HTTP/1.1", new Expect(ExpectKind.STRING, false, "master")).status());
        CheckResult r = check("GET", "/status/503", "HTTP/1.1", new Expect(ExpectKind.STRING, false, "master"));
        assertEquals(CheckStatus.L7RSP, r.status());
        assertEquals(CheckStatus.L7OK, check("GET", "/status/503", "HTTP/1.0", new Expect(ExpectKind.RSTRING, false, "rep.ica")).status());
        assertEquals(CheckStatus.L7RSP, check("GET", "/status/200", "HTTP/1.0", new Expect(ExpectKind.STRING, true, "master")).status());
    }
}
