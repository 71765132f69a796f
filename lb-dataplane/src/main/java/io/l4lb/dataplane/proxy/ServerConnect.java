package io.l4lb.dataplane.proxy;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.dataplane.proxy.acl.ConnSamples;
import io.l4lb.dataplane.proxy.proxyproto.ProxyHeader;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * Opening the server side of a {@link ProxySession}: socket options, transparent source, the
 * destination port, and the PROXY protocol header that must precede any payload.
 * Threading: called on the session's event loop; the server channel is registered on that same
 * loop (Netty HexDumpProxy discipline), so the two sides never cross threads.
 */
final class ServerConnect {
    private ServerConnect() {
    }

    /** Starts connecting to {@code server}; auto-read off and half-closure allowed as the relay needs. */
    static ChannelFuture start(FrontendRuntime fe, BackendContext backend, ServerRuntime server,
                               ConnSamples samples, EventLoop loop, ServerSideHandler handler) {
        Bootstrap b = new Bootstrap().group(loop).channel(fe.transport.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, backend.config().srvTcpKa())
                .handler(handler);
        if (backend.connectTimeoutMillis() > 0) {
            b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, backend.connectTimeoutMillis());
        }
        if (backend.config().usesrcClientIp() && samples.src() != null) {
            // source 0.0.0.0 usesrc clientip: IP_TRANSPARENT, bound to the client's address.
            fe.transport.applyTransparent(b);
            b.localAddress(new InetSocketAddress(samples.src().getAddress(), 0));
        }
        InetSocketAddress target = server.address();
        if (target.getPort() == 0 && samples.dst() != null) {
            // HAProxy: a server without a port gets the port the client connected to.
            target = new InetSocketAddress(target.getAddress(), samples.dst().getPort());
        }
        return b.connect(target);
    }

    /**
     * The {@code send-proxy} / {@code send-proxy-v2} header for this connection, or null when the
     * server has none. It goes first, before any payload (proxy-protocol.txt section 2).
     */
    static ByteBuf proxyHeader(ServerRuntime server, ByteBufAllocator alloc, ConnSamples samples) {
        ServerConfig.ProxyProtocol pp = server.config().options().sendProxy();
        return switch (pp) {
            case NONE -> null;
            case V1 -> ProxyHeader.v1(alloc, samples.src(), samples.dst());
            case V2 -> ProxyHeader.v2(alloc, samples.src(), samples.dst());
        };
    }
}
