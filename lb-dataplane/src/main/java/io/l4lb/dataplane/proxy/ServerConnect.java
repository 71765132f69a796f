package io.l4lb.dataplane.proxy;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.dataplane.proxy.acl.ConnSamples;
import io.l4lb.dataplane.proxy.proxyproto.ProxyHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
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

    /**
     * Starts connecting to {@code server}; auto-read off and half-closure allowed as the relay
     * needs. No Bootstrap: it would copy its option and attribute maps and run an initializer
     * per connection; the channel is made, configured and registered here directly (inline, as
     * this runs on {@code loop}). TCP_NODELAY is Netty's default on Linux (set once by the
     * channel's config), so it is not set a second time; SO_KEEPALIVE is off unless asked for.
     */
    static ChannelFuture start(FrontendRuntime fe, BackendContext backend, ServerRuntime server,
                               ConnSamples samples, EventLoop loop, ServerSideHandler handler) {
        InetSocketAddress target = server.address();
        if (target.getPort() == 0 && samples.dst() != null) {
            // HAProxy: a server without a port gets the port the client connected to.
            target = new InetSocketAddress(target.getAddress(), samples.dst().getPort());
        }
        Channel ch = fe.transport.newSocketChannel(target.getAddress());
        ChannelConfig c = ch.config();
        c.setAutoRead(false);
        c.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        if (backend.config().srvTcpKa()) {
            c.setOption(ChannelOption.SO_KEEPALIVE, true);
        }
        if (backend.connectTimeoutMillis() > 0) {
            c.setConnectTimeoutMillis(backend.connectTimeoutMillis());
        }
        InetSocketAddress local = null;
        if (backend.config().usesrcClientIp() && samples.src() != null) {
            // source 0.0.0.0 usesrc clientip: IP_TRANSPARENT, bound to the client's address.
            fe.transport.applyTransparent(ch);
            local = new InetSocketAddress(samples.src().getAddress(), 0);
        }
        ch.pipeline().addLast(handler);
        ChannelPromise connected = ch.newPromise();
        InetSocketAddress to = target;
        InetSocketAddress from = local;
        ChannelFuture reg = loop.register(ch);
        if (reg.isDone()) {
            connectRegistered(reg, to, from, connected);
        } else {
            reg.addListener((ChannelFuture f) -> connectRegistered(f, to, from, connected));
        }
        return connected;
    }

    private static void connectRegistered(ChannelFuture reg, InetSocketAddress to, InetSocketAddress from,
                                          ChannelPromise connected) {
        Channel ch = reg.channel();
        if (!reg.isSuccess()) {
            connected.setFailure(reg.cause());
            ch.unsafe().closeForcibly();
            return;
        }
        if (from == null) {
            ch.connect(to, connected);
        } else {
            ch.connect(to, from, connected);
        }
    }

    /**
     * Sends what must reach the server before any relayed byte: the PROXY header, then the bytes
     * the client sent before the connection was up, both unchanged (ownership passes to the
     * channel), flushed. Returns the last write, or null when there was nothing to send.
     */
    static ChannelFuture sendFirst(Channel ch, ByteBuf header, ByteBuf early) {
        ChannelFuture last = null;
        if (header != null) {
            last = ch.write(header);
        }
        if (early != null) {
            last = ch.write(early);
        }
        if (last != null) {
            ch.flush();
        }
        return last;
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
