package io.l4lb.health.testing;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.time.NanoClock;
import io.l4lb.health.HealthCheckService;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A {@link HealthCheckService} on a real event loop (epoll when available, else NIO) with the
 * system clock, a backend built from server configs, every state change queued with the time it
 * happened, and the state-change log lines collected.
 */
public final class ServiceFixture implements AutoCloseable {
    /** A usability change seen by a {@link io.l4lb.core.state.ServerStateListener}. */
    public record Change(String server, boolean usable, String reason, long nanos) {}

    public final MultiThreadIoEventLoopGroup group;
    public final HealthCheckService service;
    public final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    public final BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    public final String transport;

    public ServiceFixture() {
        boolean epoll = Epoll.isAvailable();
        this.transport = epoll ? "epoll" : "nio";
        this.group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends SocketChannel> ch = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.service = new HealthCheckService(group, ch, NanoClock.SYSTEM, 0, log::add);
    }

    public BackendRuntime backend(UnaryOperator<BackendConfig> customise, ServerConfig... servers) {
        BackendConfig cfg = customise.apply(BackendConfig.of("be", "roundrobin", List.of(servers)));
        List<ServerRuntime> rt = new ArrayList<>();
        for (ServerConfig s : servers) {
            rt.add(new ServerRuntime(s, new InetSocketAddress("127.0.0.1", s.port())));
        }
        BackendRuntime b = new BackendRuntime(cfg, rt);
        b.addListener((be, s, usable, reason) -> changes.add(new Change(s.name(), usable, reason, System.nanoTime())));
        return b;
    }

    /** The next change, within 10 s. */
    public Change next() throws InterruptedException {
        Change c = changes.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("no server state change within 10 s; log: " + log);
        }
        return c;
    }

    @Override
    public void close() {
        service.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
