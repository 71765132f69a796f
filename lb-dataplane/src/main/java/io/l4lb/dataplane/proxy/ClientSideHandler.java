package io.l4lb.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The only handler of an accepted client channel: creates the connection's {@link ProxySession}
 * and hands it every event. Ownership: a ByteBuf passed to the session belongs to it.
 */
final class ClientSideHandler extends ChannelInboundHandlerAdapter {
    private final FrontendRuntime fe;
    private ProxySession session;

    ClientSideHandler(FrontendRuntime fe) {
        this.fe = fe;
    }

    ProxySession session() {
        return session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session = new ProxySession(fe, ctx.channel());
        session.start();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session == null || !(msg instanceof ByteBuf b)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        session.onClientData(b);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (session != null) {
            session.onClientReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && session != null) {
            session.onClientInputShutdown();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            session.onChannelInactive(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are normal client behaviour: no log above DEBUG on the hot path.
        if (session != null) {
            session.abort();
        } else {
            ctx.close();
        }
    }
}
