package io.l4lb.admin.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A small HTTP/1.1 server on Netty's HTTP codec for the admin plane: the admin listener and the
 * {@code stats uri} listeners. The route function runs on a virtual thread, never on the event
 * loop, because a reload or a scrape may take milliseconds. One event loop: admin traffic is tiny.
 */
public final class AdminHttpServer implements AutoCloseable {
    /** Request bodies above this are refused (413): the API takes small JSON documents. */
    static final int MAX_BODY = 64 * 1024;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Channel> channels = new ArrayList<>();
    private final Function<AdminRequest, AdminResponse> routes;

    public AdminHttpServer(Function<AdminRequest, AdminResponse> routes) {
        this.routes = routes;
    }

    /** Binds one more listener; returns the bound address (port 0 picks a free port). */
    public synchronized InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(30, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new AdminHttpHandler(routes, workers));
                    }
                });
        Channel ch = b.bind(address).sync().channel();
        channels.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    public synchronized List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : channels) {
            out.add((InetSocketAddress) c.localAddress());
        }
        return out;
    }

    @Override
    public synchronized void close() {
        for (Channel c : channels) {
            c.close().syncUninterruptibly();
        }
        channels.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
    }
}
