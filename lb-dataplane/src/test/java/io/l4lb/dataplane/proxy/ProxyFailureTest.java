package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.Timeouts;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connect failures, retries, redispatch and servers dying mid-stream. */
@ExtendWith(NettyLeakExtension.class)
class ProxyFailureTest {

    @Test
    void refusedConnectIsRedispatchedToAnotherServer() throws Exception {
        int dead = Origins.refusedPort();
        try (var a = Origins.label("A")) {
            BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("dead", "127.0.0.1", dead),
                    ServerConfig.of("A", "127.0.0.1", a.port()))).withRetries(3, true);
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
                Map<String, Integer> hits = new TreeMap<>();
                for (int i = 0; i < 20; i++) {
                    hits.merge(Origins.readAll(p.address), 1, Integer::sum);
                }
                assertEquals(Map.of("A", 20), hits); // no client saw a failure
                long errors = p.server("be", "dead").counters().connectErrors.sum();
                // Without health checks rr keeps offering the dead server: every such offer is one
                // refused connect, one retry and one redispatch, invisible to the client.
                assertTrue(errors >= 10 && errors <= 20, "errors " + errors);
                assertEquals(errors, p.counters.redispatches.sum());
                assertEquals(errors, p.counters.retries.sum());
                assertEquals(errors, p.server("be", "dead").counters().redispatches.sum());
                assertEquals(0, p.counters.connectErrors.sum());
            }
        }
    }

    @Test
    void withoutRedispatchRetriesTheSameServerThenFails() throws Exception {
        int dead = Origins.refusedPort();
        BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("dead", "127.0.0.1", dead)))
                .withRetries(2, false);
        try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
            assertEquals("", Origins.readAll(p.address));
            assertEquals(3, p.server("be", "dead").counters().connectErrors.sum()); // 1 + 2 retries
            assertEquals(2, p.counters.retries.sum());
            assertEquals(1, p.counters.connectErrors.sum());
        }
    }

    @Test
    void allServersRefuseClientIsClosedPromptlyAndCounted() throws Exception {
        BackendConfig be = BackendConfig.of("be", "rr", List.of(
                ServerConfig.of("d1", "127.0.0.1", Origins.refusedPort()),
                ServerConfig.of("d2", "127.0.0.1", Origins.refusedPort()))).withRetries(3, true);
        try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be))) {
            long t0 = System.nanoTime();
            try (Socket c = new Socket()) {
                c.connect(p.address, 5000);
                c.setSoTimeout(5000);
                assertEquals(-1, c.getInputStream().read());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 2000, "closed after " + ms + " ms");
            Await.until(() -> p.counters.connectErrors.sum() == 1, 5000, "the failure to be counted");
            assertEquals(4, p.server("be", "d1").counters().connectErrors.sum()
                    + p.server("be", "d2").counters().connectErrors.sum());
            assertEquals(0, p.counters.connectionsActive.get());
        }
    }

    @Test
    void serverDyingMidStreamClosesTheClient() throws Exception {
        CompletableFuture<Void> streaming = new CompletableFuture<>();
        var origin = new Origins.Origin("dies", s -> {
            try {
                s.getOutputStream().write(new byte[100_000]);
                s.getOutputStream().flush();
                streaming.complete(null);
                s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // killed by the test
            }
        });
        BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("dies", "127.0.0.1", origin.port())));
        try (origin; ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be));
             Socket c = new Socket()) {
            c.connect(p.address, 5000);
            c.setSoTimeout(10_000);
            InputStream in = c.getInputStream();
            in.readNBytes(1000);
            streaming.get(5, TimeUnit.SECONDS);
            origin.close(); // the server process goes away mid-stream
            boolean closed;
            try {
                in.readAllBytes();
                closed = true; // EOF
            } catch (SocketTimeoutException e) {
                closed = false; // hung
            } catch (IOException e) {
                closed = true; // reset
            }
            assertTrue(closed, "the client must see the close");
            Await.until(() -> p.counters.connectionsActive.get() == 0 || !c.isClosed(), 5000, "the session");
        }
    }

    @Test
    void clientTimeoutClosesAnIdleConnection() throws Exception {
        try (var origin = Origins.echo("E")) {
            BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("E", "127.0.0.1", origin.port())));
            Timeouts t = new Timeouts(null, Duration.ofMillis(300), null, null, null, null, null, null);
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be").withTimeouts(t), List.of(be));
                 Socket c = new Socket()) {
                c.connect(p.address, 5000);
                c.setSoTimeout(10_000);
                c.getOutputStream().write('x');
                assertEquals('x', c.getInputStream().read());
                long t0 = System.nanoTime();
                assertEquals(-1, c.getInputStream().read()); // idle: closed by timeout client
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 200 && ms < 5000, "closed after " + ms + " ms");
            }
        }
    }

    @Test
    void serverMaxconnQueuesTheNextConnectionUntilASlotFrees() throws Exception {
        try (var a = Origins.echo("A")) {
            var opts = ServerConfig.ServerOptions.DEFAULTS.withMaxconn(1, 0);
            BackendConfig be = BackendConfig.of("be", "rr",
                    List.of(ServerConfig.of("A", "127.0.0.1", a.port()).withOptions(opts)));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be));
                 Socket first = new Socket(); Socket second = new Socket()) {
                first.connect(p.address, 5000);
                first.setSoTimeout(10_000);
                first.getOutputStream().write('1');
                assertEquals('1', first.getInputStream().read());
                second.connect(p.address, 5000);
                second.setSoTimeout(10_000);
                second.getOutputStream().write('2');
                Await.until(() -> p.server("be", "A").counters().queueCurrent.get() == 1, 5000, "queued");
                assertEquals(1, a.accepted.get()); // the second waits in the queue, not at the server
                first.close();
                assertEquals('2', second.getInputStream().read());
                assertEquals(0, p.server("be", "A").counters().queueCurrent.get());
                assertEquals(2, a.accepted.get());
            }
        }
    }

    @Test
    void frontendMaxconnStopsAcceptingUntilASlotFrees() throws Exception {
        try (var a = Origins.echo("A")) {
            BackendConfig be = BackendConfig.of("be", "rr", List.of(ServerConfig.of("A", "127.0.0.1", a.port())));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be").withMaxconn(1), List.of(be));
                 Socket first = new Socket(); Socket second = new Socket()) {
                first.connect(p.address, 5000);
                first.setSoTimeout(10_000);
                first.getOutputStream().write('1');
                assertEquals('1', first.getInputStream().read());
                second.connect(p.address, 5000); // the kernel backlog takes it: no reset
                second.getOutputStream().write('2');
                second.setSoTimeout(300);
                try {
                    int b = second.getInputStream().read();
                    throw new AssertionError("served above maxconn: " + b);
                } catch (SocketTimeoutException expected) {
                    // not served while the frontend is full
                }
                assertEquals(1, p.counters.connectionsTotal.sum(), "the second waits in the kernel backlog, not accepted");
                assertEquals(1, a.accepted.get());
                first.close();
                second.setSoTimeout(10_000);
                assertEquals('2', second.getInputStream().read()); // served once a slot freed
                assertEquals(2, a.accepted.get());
            }
        }
    }
}
