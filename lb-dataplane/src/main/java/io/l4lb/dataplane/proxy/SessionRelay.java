package io.l4lb.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * The RELAYING phase of a {@link ProxySession}: the two {@link RelayDirection}s between the client
 * and the connected server. It sends the first write (PROXY header, then the bytes read before
 * the connection was up), and only once that write completed does the client's side start: a
 * client FIN that arrived earlier is held until then, because a FIN sent while the first write is
 * still in flight fails it and the reply is lost (io_uring completes writes a loop iteration
 * later; epoll when the socket buffer is full). Threading: the session's event loop.
 */
final class SessionRelay {
    private final ProxySession session;
    private final Channel client;
    private final Channel server;
    private final RelayDirection up;
    private final RelayDirection down;
    private boolean clientEof;
    /** The first write completed: client bytes and the client's FIN flow through {@link #up}. */
    private boolean clientRelayed;

    SessionRelay(ProxySession session, Channel client, Channel server, boolean clientEof) {
        this.session = session;
        this.client = client;
        this.server = server;
        this.clientEof = clientEof;
        this.up = new RelayDirection(session, true, client, server);
        this.down = new RelayDirection(session, false, server, client);
    }

    /** Sends {@code header} and {@code early} (either may be null), starts reading the server. */
    void start(ByteBuf header, ByteBuf early) {
        ChannelFuture written = ServerConnect.sendFirst(server, header, early);
        server.read();
        if (written == null) {
            relayClient(); // nothing to send first: no flush, no listener
        } else if (written.isDone()) {
            firstWriteDone(written);
        } else {
            written.addListener((ChannelFutureListener) this::firstWriteDone);
        }
    }

    private void firstWriteDone(ChannelFuture w) {
        if (!w.isSuccess()) {
            session.abort();
            return;
        }
        relayClient();
    }

    private void relayClient() {
        if (session.state() != ProxySession.State.RELAYING) {
            return;
        }
        clientRelayed = true;
        if (clientEof) {
            up.onInputShutdown();
        } else {
            client.read();
        }
    }

    void clientData(ByteBuf b) {
        up.onData(b);
    }

    void clientReadComplete() {
        up.onReadComplete();
    }

    void clientInputShutdown() {
        if (clientRelayed) {
            up.onInputShutdown();
        } else {
            clientEof = true;
        }
    }

    void serverData(ByteBuf b) {
        down.onData(b);
    }

    void serverReadComplete() {
        down.onReadComplete();
    }

    void serverInputShutdown() {
        down.onInputShutdown();
    }

    /** Both directions forwarded their FIN. */
    boolean done() {
        return up.done() && down.done();
    }

    /**
     * {@code which} closed (RST, error, or our own close): the other side gets what is still
     * queued for it, then is closed. False when the other side is already gone.
     */
    boolean flushAndCloseOther(Channel which) {
        Channel other = which == client ? server : client;
        if (!other.isActive()) {
            return false;
        }
        other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return true;
    }

    void closeServer() {
        server.close();
    }
}
