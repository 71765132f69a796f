package io.l4lb.server.runtime;

import io.l4lb.core.testing.LoopbackPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.server.cli.DemoCommand;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Config text -> running proxy, DNS at start, the demo, graceful stop. Real sockets on loopback. */
class ProxyRuntimeTest {

    private static String get(HttpClient http, InetSocketAddress a) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + "/"))
                .timeout(Duration.ofSeconds(10)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void demoAlternatesBetweenBackendAAndB() throws Exception {
        try (DemoCommand.Demo demo = DemoCommand.start(0);
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // A fresh client per request would reuse nothing; force new connections with Connection: close.
            String first = send(demo.address());
            String second = send(demo.address());
            String third = send(demo.address());
            // rr starts at a random position; after that it must alternate.
            String x = first.contains("hello from backend A") ? "A" : "B";
            String y = x.equals("A") ? "B" : "A";
            assertTrue(first.contains("hello from backend " + x), first);
            assertTrue(second.contains("hello from backend " + y), second);
            assertTrue(third.contains("hello from backend " + x), third);
        }
    }

    /** One HTTP/1.0 request on its own TCP connection (raw socket: no pooling to hide the balancing). */
    private static String send(InetSocketAddress a) throws Exception {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(a, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.0\r\nHost: demo\r\n\r\n".getBytes());
            return new String(s.getInputStream().readAllBytes());
        }
    }

    @Test
    void configFileRunsWithAnUnresolvableServerStartingDown() throws Exception {
        try (DemoBackends origins = new DemoBackends(List.of("A", "B"))) {
            List<InetSocketAddress> o = origins.addresses();
            String cfg = """
                    global
                        nbthread 1
                        hard-stop-after 2s
                    defaults
                        mode tcp
                        timeout connect 2s
                        timeout client 30s
                        timeout server 30s
                        retries 2
                        option redispatch
                    frontend web
                        bind 127.0.0.1:%d
                        default_backend farm
                    backend farm
                        balance roundrobin
                        server a 127.0.0.1:%d
                        server ghost ghost.invalid:80
                        server b 127.0.0.1:%d
                    """.formatted(LoopbackPorts.free(), o.get(0).getPort(), o.get(1).getPort());
            L4Config config = ConfigParser.parse("test.cfg", cfg);
            ServerAddressResolver.Lookup dns = host -> {
                throw new UnknownHostException(host);
            };
            try (ProxyRuntime rt = new ProxyRuntime(config, new ServerAddressResolver(dns), PassiveObservationSink.NONE)) {
                rt.start();
                BackendRuntime farm = rt.backends().get("farm");
                assertEquals(3, farm.servers().size()); // never dropped
                assertNull(farm.server("ghost").address());
                assertTrue(!farm.server("ghost").usable());
                InetSocketAddress a = rt.boundAddresses("web").getFirst();
                String r1 = send(a);
                String r2 = send(a);
                assertTrue(r1.contains("backend A") && r2.contains("backend B") || r1.contains("backend B")
                        && r2.contains("backend A"), r1 + r2);
                rt.stop().get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThrowsConnect(a);
            }
        }
    }

    @Test
    void gracefulStopLetsALiveConnectionFinish() throws Exception {
        try (DemoBackends origins = new DemoBackends(List.of("A"))) {
            String cfg = """
                    defaults
                        mode tcp
                    frontend web
                        bind 127.0.0.1:%d
                        default_backend farm
                    backend farm
                        server a 127.0.0.1:%d
                    """.formatted(LoopbackPorts.free(), origins.addresses().getFirst().getPort());
            try (ProxyRuntime rt = new ProxyRuntime(ConfigParser.parse("t.cfg", cfg),
                    new ServerAddressResolver(ServerAddressResolver.SYSTEM), PassiveObservationSink.NONE);
                 java.net.Socket live = new java.net.Socket()) {
                rt.start();
                InetSocketAddress a = rt.boundAddresses("web").getFirst();
                live.connect(a, 5000);
                live.setSoTimeout(10_000);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (rt.engine().activeConnections() == 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // wait until accepted, not just queued in the backlog
                }
                assertEquals(1, rt.engine().activeConnections());
                var stopped = rt.stop(Duration.ofSeconds(20));
                assertThrowsConnect(a); // listener closed at once
                assertTrue(!stopped.isDone());
                live.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
                assertTrue(new String(live.getInputStream().readAllBytes()).contains("hello from backend A"));
                assertTrue(!stopped.isDone()); // the client has not closed its side yet
                live.close();
                stopped.get(10, java.util.concurrent.TimeUnit.SECONDS); // finishes once the connection ended
            }
        }
    }

    @Test
    void initAddrFallsBackToALiteralOrNone() {
        var none = io.l4lb.core.config.ServerConfig.of("s", "x.invalid", 80);
        ServerAddressResolver fail = new ServerAddressResolver(h -> {
            throw new UnknownHostException(h);
        });
        assertNull(fail.resolve(none));
        ServerAddressResolver ok = new ServerAddressResolver(h -> InetAddress.ofLiteral("192.0.2.7"));
        assertEquals(new InetSocketAddress("192.0.2.7", 80), ok.resolve(none));
    }

    private static void assertThrowsConnect(InetSocketAddress a) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(a, 2000);
            throw new AssertionError("still accepting on " + a);
        } catch (java.io.IOException expected) {
            // refused: the listener is closed
        }
    }
}
