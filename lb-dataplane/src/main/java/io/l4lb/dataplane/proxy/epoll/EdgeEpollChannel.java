package io.l4lb.dataplane.proxy.epoll;

import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.unix.FileDescriptor;
import java.net.SocketAddress;

/**
 * What the edge-triggered listening and connected channels share: the socket and its options,
 * the registration on Netty's epoll event loop (through its {@code IoHandle} API), and the input
 * readiness an edge-triggered registration has to remember (epoll(7)): an input edge (data, a
 * FIN, or a connection to accept) sets {@code readReady} until the subclass has read to EAGAIN;
 * a read request while input is ready runs as an event-loop task, never inside the caller (the
 * relay asks for the next read from a write listener, which may sit inside {@code channelRead}).
 * Close shuts the fd before cancelling the registration: the kernel drops a closed fd from the
 * epoll set, so Netty skips {@code EPOLL_CTL_DEL}.
 * Threading: everything but construction runs on the channel's event loop.
 */
abstract class EdgeEpollChannel extends AbstractChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    final EdgeSocket socket;
    final EdgeEpollChannelConfig config;
    IoRegistration registration;
    /** An input edge arrived and the socket has not been read to EAGAIN since. */
    boolean readReady;
    /** A read (or accept) was requested and not yet served. */
    boolean readPending;
    private boolean readQueued;
    private final Runnable readTask = this::queuedRead;

    EdgeEpollChannel(Channel parent, EdgeSocket socket) {
        super(parent);
        this.socket = socket;
        // Auto-read switched off withdraws a pending request, so the next edge is not served.
        this.config = new EdgeEpollChannelConfig(this, socket, () -> readPending = false);
    }

    /** The socket (the relay's direct {@code shutdown(SHUT_WR)}; IPV6_V6ONLY before a bind). */
    public final FileDescriptor fd() {
        return socket;
    }

    @Override
    public final EdgeEpollChannelConfig config() {
        return config;
    }

    @Override
    public final ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public final boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    protected final boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(EdgeUnsafe.class);
    }

    /** The ready events of one epoll_wait for this socket. */
    abstract void onEvents(int ops);

    /** Serves a read request while input is ready: one read (or accept) batch. */
    abstract void readNow();

    /** Called once registered; a connected socket adds itself to the epoll set here. */
    void registered() {
    }

    /** False once nothing more can be read. */
    boolean readable() {
        return true;
    }

    @Override
    protected final void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((EdgeUnsafe) unsafe()).addListener(f -> {
            if (!f.isSuccess()) {
                promise.setFailure(f.cause());
                return;
            }
            registration = (IoRegistration) f.getNow();
            try {
                registered();
            } catch (RuntimeException e) {
                promise.setFailure(e);
                return;
            }
            promise.setSuccess();
        });
    }

    @Override
    protected void doClose() throws Exception {
        try {
            socket.close();
        } finally {
            doDeregister();
        }
    }

    @Override
    protected final void doDeregister() {
        IoRegistration r = registration;
        if (r != null) {
            r.cancel(); // a no-op the second time
        }
    }

    @Override
    protected final void doBeginRead() {
        if (!readable()) {
            return;
        }
        readPending = true;
        if (readReady && !readQueued) {
            readQueued = true;
            eventLoop().execute(readTask);
        }
    }

    private void queuedRead() {
        readQueued = false;
        if (readPending && readReady) {
            readNow();
        }
    }

    /** The channel as Netty's epoll event loop sees it. */
    class EdgeUnsafe extends AbstractUnsafe implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void handle(IoRegistration r, IoEvent event) {
            onEvents(((EpollIoEvent) event).ops().value());
        }

        @Override
        public void close() {
            close(voidPromise());
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a listening socket does not connect"));
        }
    }
}
