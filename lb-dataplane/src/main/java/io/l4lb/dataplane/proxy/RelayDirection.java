package io.l4lb.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;

/**
 * One direction of a proxied connection (client->server or server->client), HexDumpProxy style:
 * the pooled direct ByteBuf read from {@code from} is written to {@code to} as is (ownership
 * passes to {@code to}'s outbound buffer: no copy, no release here), and {@code from} is read
 * again only once the last write of the read batch completed -- so a slow receiver stops the
 * sender (backpressure both ways). Half-close is exact: when {@code from} reports end of input,
 * everything written so far is flushed, then {@code to}'s output is shut (FIN).
 * Threading: every method runs on the session's single event loop.
 */
final class RelayDirection implements ChannelFutureListener {
    private final ProxySession session;
    private final boolean upstream;
    private final Channel from;
    private final Channel to;
    private ChannelFuture lastWrite;
    /** The flushed last write of a batch this direction waits for before reading again. */
    private ChannelFuture inFlight;
    private boolean inputShut;
    private boolean outputShut;

    RelayDirection(ProxySession session, boolean upstream, Channel from, Channel to) {
        this.session = session;
        this.upstream = upstream;
        this.from = from;
        this.to = to;
    }

    void onData(ByteBuf b) {
        session.count(upstream, b.readableBytes());
        lastWrite = to.write(b);
    }

    void onReadComplete() {
        ChannelFuture w = lastWrite;
        lastWrite = null;
        if (w == null) {
            if (!inputShut) {
                from.read();
            }
            return;
        }
        to.flush();
        if (w.isDone()) {
            operationComplete(w);
        } else {
            inFlight = w;
            w.addListener(this);
        }
    }

    /** The last write of a batch completed: the peer took it; read the next batch. */
    @Override
    public void operationComplete(ChannelFuture f) {
        if (f == inFlight) {
            inFlight = null;
        }
        if (!f.isSuccess()) {
            session.abort();
            return;
        }
        session.touch(!upstream);
        if (!inputShut) {
            from.read();
        }
    }

    /**
     * {@code from} sent FIN: forward every pending byte, then FIN on {@code to}. Writes complete in
     * order, so once this direction's last write is done every earlier byte is in the kernel.
     */
    void onInputShutdown() {
        if (inputShut) {
            return;
        }
        inputShut = true;
        session.halfClosed();
        ChannelFuture last = lastWrite != null ? lastWrite : inFlight;
        if (lastWrite != null) {
            to.flush();
            lastWrite = null;
        }
        if (last == null || last.isDone()) {
            shutdownAfter(last);
        } else {
            last.addListener((ChannelFutureListener) this::shutdownAfter);
        }
    }

    private void shutdownAfter(ChannelFuture lastWritten) {
        if (lastWritten != null && !lastWritten.isSuccess()) {
            session.abort();
            return;
        }
        ChannelFuture fin = OutputShutdown.shutdown(to);
        if (fin.isDone()) {
            finSent(fin);
        } else {
            fin.addListener((ChannelFutureListener) this::finSent);
        }
    }

    private void finSent(ChannelFuture f) {
        if (!f.isSuccess()) {
            session.abort();
            return;
        }
        outputShut = true;
        // Once `to` has our FIN, its own EOF (when it comes) leaves nothing to relay from it: let
        // Netty close it then instead of shutting its input down (a SHUT_RD that fails with
        // ENOTCONN once both FINs have crossed, plus the exception Netty builds for it). The close
        // reaches the session as channelInactive, which flushes the other side and closes it; that
        // side's input is already at EOF (it sent the FIN we just forwarded), so its close is the
        // same FIN a shutdown would have sent.
        to.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        session.directionDone();
    }

    boolean done() {
        return outputShut;
    }
}
