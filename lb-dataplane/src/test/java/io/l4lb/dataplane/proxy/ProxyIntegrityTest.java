package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bytes arrive complete and in order, both ways, including the tail before a half-close. */
@ExtendWith(NettyLeakExtension.class)
class ProxyIntegrityTest {
    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    private static BackendConfig backend(Origins.Origin... origins) {
        List<ServerConfig> s = new ArrayList<>();
        for (Origins.Origin o : origins) {
            s.add(ServerConfig.of(o.name, "127.0.0.1", o.port()));
        }
        return BackendConfig.of("be", "rr", s);
    }

    /** io_uring may be switched off on a kernel (io_uring_disabled); then there is nothing to test. */
    private static void assumeTransport(GlobalConfig.Transport t) {
        org.junit.jupiter.api.Assumptions.assumeTrue(t != GlobalConfig.Transport.IO_URING
                || io.netty.channel.uring.IoUring.isAvailable(), "io_uring is not available on this kernel");
    }

    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING", "NIO"})
    void hundredMegabytesEachWayWithHalfCloseRightAfterTheLastByte(GlobalConfig.Transport t) throws Exception {
        assumeTransport(t);
        CompletableFuture<String> originReceived = new CompletableFuture<>();
        CompletableFuture<String> originSent = new CompletableFuture<>();
        try (var origin = new Origins.Origin("sha", s -> {
            try {
                var writer = CompletableFuture.supplyAsync(() -> {
                    try {
                        String h = Streams.write(s.getOutputStream(), HUNDRED_MB, 2);
                        s.shutdownOutput(); // FIN right after the last byte
                        return h;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, Executors.newVirtualThreadPerTaskExecutor());
                originReceived.complete(Streams.read(s.getInputStream()));
                originSent.complete(writer.join());
            } catch (IOException e) {
                originReceived.completeExceptionally(e);
            }
        })) {
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(backend(origin)), t, 2);
                 Socket c = new Socket()) {
                assertEquals(t, p.engine.transport().kind()); // the transport under test, not a fallback
                c.connect(p.address, 5000);
                c.setSoTimeout(60_000);
                var clientWriter = CompletableFuture.supplyAsync(() -> {
                    try {
                        String h = Streams.write(c.getOutputStream(), HUNDRED_MB, 1);
                        c.shutdownOutput();
                        return h;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, Executors.newVirtualThreadPerTaskExecutor());
                String clientReceived = Streams.read(c.getInputStream());
                String clientSent = clientWriter.get(120, TimeUnit.SECONDS);
                assertEquals(clientSent + "/" + HUNDRED_MB, originReceived.get(120, TimeUnit.SECONDS));
                assertEquals(originSent.get(120, TimeUnit.SECONDS) + "/" + HUNDRED_MB, clientReceived);
                Await.until(() -> p.counters.connectionsActive.get() == 0, 10_000, "the session to end");
                assertEquals(HUNDRED_MB, p.counters.bytesIn.sum());
                assertEquals(HUNDRED_MB, p.counters.bytesOut.sum());
                assertEquals(HUNDRED_MB, p.server("be", "sha").counters().bytesIn.sum());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING"})
    void thousandConcurrentShortConnections(GlobalConfig.Transport t) throws Exception {
        assumeTransport(t);
        try (var a = Origins.echo("A"); var b = Origins.echo("B");
             ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(backend(a, b)), t, 2);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String msg = "hello " + i + " " + "x".repeat(i % 200);
                results.add(pool.submit(() -> {
                    try (Socket c = new Socket()) {
                        c.connect(p.address, 10_000);
                        c.setSoTimeout(30_000);
                        c.getOutputStream().write(msg.getBytes(StandardCharsets.US_ASCII));
                        c.shutdownOutput();
                        return new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    }
                }));
            }
            for (int i = 0; i < 1000; i++) {
                assertEquals("hello " + i + " " + "x".repeat(i % 200), results.get(i).get(60, TimeUnit.SECONDS));
            }
            Await.until(() -> p.counters.connectionsActive.get() == 0, 10_000, "all sessions to end");
            assertEquals(1000, p.counters.connectionsTotal.sum());
            assertEquals(1000, a.accepted.get() + b.accepted.get());
            assertEquals(0, p.server("be", "A").load().active() + p.server("be", "B").load().active());
        }
    }

    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING"})
    void serverClosesFirst(GlobalConfig.Transport t) throws Exception {
        assumeTransport(t);
        byte[] payload = "goodbye from the server".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<String> origSawAfterClose = new CompletableFuture<>();
        try (var origin = new Origins.Origin("closer", s -> {
            try {
                s.getOutputStream().write(payload);
                s.close(); // full close right after the data
                origSawAfterClose.complete("closed");
            } catch (IOException e) {
                origSawAfterClose.completeExceptionally(e);
            }
        }); ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(backend(origin)), t, 2);
             Socket c = new Socket()) {
            c.connect(p.address, 5000);
            c.setSoTimeout(10_000);
            InputStream in = c.getInputStream();
            assertArrayEquals(payload, in.readAllBytes()); // data, then EOF
            assertEquals("closed", origSawAfterClose.get(5, TimeUnit.SECONDS));
            c.close();
            Await.until(() -> p.counters.connectionsActive.get() == 0, 5000, "the session to end");
            assertEquals(0, p.server("be", "closer").load().active());
        }
    }

    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING"})
    void clientClosesFirst(GlobalConfig.Transport t) throws Exception {
        assumeTransport(t);
        CompletableFuture<String> originGot = new CompletableFuture<>();
        try (var origin = new Origins.Origin("reader", s -> {
            try {
                originGot.complete(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                originGot.completeExceptionally(e);
            }
        }); ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(backend(origin)), t, 2)) {
            String msg = "x".repeat(300_000) + "END";
            try (Socket c = new Socket()) {
                c.connect(p.address, 5000);
                c.getOutputStream().write(msg.getBytes(StandardCharsets.US_ASCII));
            } // full close right after the last byte
            assertEquals(msg, originGot.get(10, TimeUnit.SECONDS));
            Await.until(() -> p.counters.connectionsActive.get() == 0, 5000, "the session to end");
            assertEquals(0, p.server("be", "reader").load().active());
        }
    }
}
