package io.l4lb.dataplane.proxy.epoll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.l4lb.dataplane.proxy.NettyLeakExtension;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The edge-triggered channels against real loopback sockets, on the cases where edge-triggered
 * readiness differs from level-triggered: data left in the socket when a read batch ends (no new
 * edge will come for it), a FIN that arrives together with the data, a write that fills the
 * socket buffer (resumed by the EPOLLOUT edge), and connect success and refusal.
 */
@ExtendWith(NettyLeakExtension.class)
class EdgeEpollChannelTest {
    private EventLoopGroup group;

    @BeforeEach
    void group() {
        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void close() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** Records what an accepted channel reads; reads only when the test asks (auto-read off). */
    static final class Reader extends ChannelInboundHandlerAdapter {
        final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> eof = new CompletableFuture<>();
        final CompletableFuture<Channel> active = new CompletableFuture<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active.complete(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                chunks.add(bytes);
            } finally {
                b.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                eof.complete(null);
            }
        }
    }

    private Channel listen(Reader reader, boolean halfClosure) throws InterruptedException {
        return new ServerBootstrap().group(group)
                .channelFactory(() -> new EdgeEpollServerSocketChannel(false))
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(reader);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @Test
    void dataLeftWhenABatchEndsIsReadOnTheNextRequestWithoutANewEdge() throws Exception {
        Reader reader = new Reader();
        Channel server = listen(reader, true);
        byte[] sent = new byte[1 << 20];
        new Random(7).nextBytes(sent);
        try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
            // Written from another thread: 1 MiB may not fit the socket buffers before reads start.
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write(sent);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Channel accepted = reader.active.get(5, TimeUnit.SECONDS);
            assertInstanceOf(EdgeEpollSocketChannel.class, accepted);
            assertTrue(accepted.config().getOption(ChannelOption.TCP_NODELAY), "inherited from the listener");
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int requests = 0;
            while (got.size() < sent.length && requests < 10_000) {
                accepted.read(); // one buffer per request with auto-read off
                requests++;
                byte[] chunk = reader.chunks.poll(5, TimeUnit.SECONDS);
                assertNotNull(chunk, "read request " + requests + " delivered nothing after " + got.size() + " bytes");
                got.write(chunk);
            }
            writer.get(5, TimeUnit.SECONDS);
            assertArrayEquals(sent, got.toByteArray());
            assertTrue(requests > 1, "the data took several read batches, so some were left for a later request");
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aFinThatArrivesWithTheDataIsReportedAfterIt() throws Exception {
        Reader reader = new Reader();
        Channel server = listen(reader, true);
        try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
            client.getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            Channel accepted = reader.active.get(5, TimeUnit.SECONDS);
            accepted.read();
            assertEquals("last words", new String(reader.chunks.poll(5, TimeUnit.SECONDS), StandardCharsets.US_ASCII));
            accepted.read(); // the FIN raised no edge of its own: the RDHUP seen earlier must carry it
            reader.eof.get(5, TimeUnit.SECONDS);
            assertTrue(((EdgeEpollSocketChannel) accepted).isInputShutdown());
            // half-closure: the other direction still works, and the peer sees its FIN afterwards
            accepted.writeAndFlush(accepted.alloc().directBuffer().writeBytes("reply".getBytes(StandardCharsets.US_ASCII)))
                    .sync();
            ((EdgeEpollSocketChannel) accepted).shutdownOutput().sync();
            assertEquals("reply", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        } finally {
            server.close().sync();
        }
    }

    /**
     * A listener whose auto-read is switched off (a full maxconn, possibly from another event
     * loop) must leave new connections in the kernel backlog even though it had asked for the
     * next accept before: the edge that follows must not be served.
     */
    @Test
    void autoReadOffKeepsNewConnectionsInTheBacklogUntilItIsOnAgain() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group)
                .channelFactory(() -> new EdgeEpollServerSocketChannel(false))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (Socket first = new Socket("127.0.0.1", port)) {
            assertNotNull(accepted.poll(5, TimeUnit.SECONDS), "first accepted");
            // Once the accept batch is over, the listener has asked for the next accept.
            server.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
            server.config().setAutoRead(false); // off the event loop, as a limiter on another loop does
            server.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS); // the withdrawal has run
            try (Socket second = new Socket("127.0.0.1", port)) { // completes in the kernel backlog
                assertEquals(null, accepted.poll(300, TimeUnit.MILLISECONDS), "accepted while auto-read was off");
                server.config().setAutoRead(true);
                assertNotNull(accepted.poll(5, TimeUnit.SECONDS), "accepted once auto-read is on again");
            }
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aWriteLargerThanTheSocketBuffersCompletesOnceThePeerReads() throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            EdgeEpollSocketChannel ch = new EdgeEpollSocketChannel(false);
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
            group.next().register(ch).sync();
            ch.connect(peer.getLocalSocketAddress()).sync();
            assertTrue(ch.isActive());
            try (Socket accepted = peer.accept()) {
                accepted.setSoTimeout(10_000); // a write that never resumes fails the test, not hangs it
                byte[] payload = new byte[16 << 20];
                new Random(11).nextBytes(payload);
                ByteBuf buf = ch.alloc().directBuffer(payload.length).writeBytes(payload);
                // Issued on the event loop, so "not done" right after the flush means the socket
                // took only part of it (the peer has not read) and the rest waits for EPOLLOUT.
                ChannelFuture[] write = new ChannelFuture[1];
                boolean doneAtOnce = ch.eventLoop().submit(() -> {
                    write[0] = ch.writeAndFlush(buf);
                    return write[0].isDone();
                }).get(5, TimeUnit.SECONDS);
                assertTrue(!doneAtOnce, "16 MiB cannot all enter the socket while the peer does not read");
                InputStream in = accepted.getInputStream();
                byte[] got = in.readNBytes(payload.length);
                assertTrue(write[0].await(10, TimeUnit.SECONDS) && write[0].isSuccess(), "write completed");
                assertArrayEquals(payload, got);
            } finally {
                ch.close().sync();
            }
        }
    }

    @Test
    void connectToAClosedPortFailsAndConnectToAListenerSucceeds() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        EdgeEpollSocketChannel refused = new EdgeEpollSocketChannel(false);
        refused.pipeline().addLast(new ChannelInboundHandlerAdapter());
        group.next().register(refused).sync();
        ChannelFuture f = refused.connect(new InetSocketAddress("127.0.0.1", closedPort));
        assertTrue(f.await(5, TimeUnit.SECONDS));
        assertInstanceOf(ConnectException.class, f.cause());
        refused.closeFuture().await(5, TimeUnit.SECONDS);
        assertTrue(!refused.isActive());

        try (ServerSocket peer = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            EdgeEpollSocketChannel ok = new EdgeEpollSocketChannel(false);
            ok.pipeline().addLast(new ChannelInboundHandlerAdapter());
            group.next().register(ok).sync();
            ok.connect(peer.getLocalSocketAddress()).sync();
            try (Socket accepted = peer.accept()) {
                assertEquals(peer.getLocalPort(), ok.remoteAddress().getPort());
                assertEquals(accepted.getPort(), ok.localAddress().getPort());
                OutputStream out = accepted.getOutputStream();
                out.write(1);
            } finally {
                ok.close().sync();
            }
        }
    }
}
