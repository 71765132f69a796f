package io.l4lb.health.testing;

import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import io.l4lb.core.time.NanoClock;
import io.l4lb.health.CheckResult;
import io.l4lb.health.check.CheckTarget;
import io.l4lb.health.check.Checker;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One NIO event loop for checker tests, plus target construction and a bounded wait. */
public final class Loop implements AutoCloseable {
    public final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    public final EventLoop loop = group.next();

    public CheckTarget target(InetSocketAddress a, Duration timeout) {
        return new CheckTarget(a, false, null, null, ProxyProtocol.NONE, timeout.toNanos(), timeout.toNanos(),
                loop, NioSocketChannel.class, NanoClock.SYSTEM);
    }

    public CheckTarget tlsTarget(InetSocketAddress a, Duration timeout, SslContext ctx) {
        return new CheckTarget(a, true, ctx, null, ProxyProtocol.NONE, timeout.toNanos(), timeout.toNanos(),
                loop, NioSocketChannel.class, NanoClock.SYSTEM);
    }

    /** Runs a check and waits (bounded) for its result. */
    public CheckResult run(Checker c, CheckTarget t) throws Exception {
        return c.check(t).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
