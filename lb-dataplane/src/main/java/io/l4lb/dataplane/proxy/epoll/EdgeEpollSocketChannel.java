package io.l4lb.dataplane.proxy.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.TimeUnit;

/**
 * A TCP channel on Netty's epoll event loop, registered edge-triggered for input, output and
 * peer shutdown with one {@code EPOLL_CTL_ADD} and never modified afterwards.
 *
 * <p>Why not Netty's {@code EpollSocketChannel}: it is level-triggered, so with auto-read off it
 * sets and clears EPOLLIN and EPOLLOUT around every connect, read request and EOF, and it reads
 * SO_SNDBUF, SO_LINGER and its addresses per socket: 10 {@code epoll_ctl} and 10 other extra
 * system calls per proxied connection against HAProxy's 3 {@code epoll_ctl} (perf trace, see
 * docs/benchmarks-proxy.md). Edge-triggered, readiness is remembered here instead
 * ({@link EdgeEpollChannel} for input):
 * <ul>
 *   <li>input: only a short read or EAGAIN clears {@code readReady} (a short read means the
 *       receive queue was empty, and any later arrival raises a new edge). A peer FIN seen as
 *       EPOLLRDHUP keeps it set until the EOF itself is read, since no further edge comes for a
 *       FIN that arrived with the data. EOF is an event, with no {@code shutdown(SHUT_RD)}.</li>
 *   <li>output: a short write sets {@code writeBlocked}; the next EPOLLOUT edge flushes.</li>
 *   <li>connect: EPOLLOUT without EPOLLERR/EPOLLHUP, confirmed by {@code getpeername} (an event
 *       fetched for a closed fd whose number was reused in the same epoll_wait batch must not
 *       complete someone else's connect).</li>
 * </ul>
 */
public final class EdgeEpollSocketChannel extends EdgeEpollChannel implements DuplexChannel {
    private static final int IN = Native.EPOLLIN;
    private static final int OUT = Native.EPOLLOUT;
    private static final int RDHUP = Native.EPOLLRDHUP;
    private static final int ERR = Native.EPOLLERR;
    private static final int HUP = 0x010; // EPOLLHUP (sys/epoll.h); Netty does not export it
    private static final EpollIoOps INTEREST = EpollIoOps.valueOf(IN | OUT | RDHUP | Native.EPOLLET);

    private volatile boolean active;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    private boolean peerShut;
    private boolean writeBlocked;
    private boolean inputShutdown;
    private ChannelPromise connectPromise;
    private Future<?> connectTimeout;

    /** A client-side socket in the target's family, TCP_NODELAY set (as HAProxy does). */
    public EdgeEpollSocketChannel(boolean ipv6) {
        super(null, EdgeSocket.stream(ipv6));
        setNoDelay();
    }

    /** An accepted connection; {@code localAddress} null when the listener is bound to a wildcard. */
    EdgeEpollSocketChannel(Channel parent, EdgeSocket socket, InetSocketAddress remoteAddress,
                           InetSocketAddress localAddress) {
        super(parent, socket);
        this.remote = remoteAddress;
        this.local = localAddress;
        this.active = true;
        // TCP_NODELAY is already set: Linux copies it from the listening socket on accept.
    }

    private void setNoDelay() {
        try {
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    protected SocketAddress localAddress0() {
        InetSocketAddress l = local;
        if (l == null && socket.isOpen()) {
            l = socket.localAddress();
            local = l;
        }
        return l;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new StreamUnsafe();
    }

    @Override
    void registered() {
        if (active) {
            registration.submit(INTEREST); // an accepted socket; a connecting one is added at connect
        }
    }

    @Override
    boolean readable() {
        return !inputShutdown;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(localAddress);
        local = null;
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() throws Exception {
        active = false;
        inputShutdown = true;
        ChannelPromise p = connectPromise;
        if (p != null) {
            connectPromise = null;
            p.tryFailure(new ClosedChannelException());
        }
        cancelConnectTimeout();
        super.doClose();
    }

    @Override
    void readNow() {
        readPending = false;
        if (!active || inputShutdown) {
            return;
        }
        ChannelPipeline pipeline = pipeline();
        RecvByteBufAllocator.Handle handle = unsafe().recvBufAllocHandle();
        handle.reset(config);
        EdgeStreamIo.ReadEnd end = EdgeStreamIo.ReadEnd.MORE;
        Throwable error = null;
        try {
            end = EdgeStreamIo.readBatch(socket, handle, config.getAllocator(), pipeline);
        } catch (Throwable t) {
            error = t;
        }
        // A short read means the queue was empty, but a FIN that came with the data raised no
        // edge of its own: a seen RDHUP keeps input ready until the EOF itself is read.
        readReady = end == EdgeStreamIo.ReadEnd.MORE || (end == EdgeStreamIo.ReadEnd.DRAINED && peerShut);
        handle.readComplete();
        pipeline.fireChannelReadComplete();
        if (error != null) {
            pipeline.fireExceptionCaught(error);
            unsafe().close(unsafe().voidPromise());
        } else if (end == EdgeStreamIo.ReadEnd.EOF) {
            inputEnded();
        }
    }

    private void inputEnded() {
        if (inputShutdown) {
            return;
        }
        inputShutdown = true;
        readReady = false;
        if (config.allowHalfClosure()) {
            pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        } else {
            unsafe().close(unsafe().voidPromise());
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf buf) {
            if (buf.isDirect()) {
                return buf;
            }
            ByteBuf direct = alloc().directBuffer(buf.readableBytes());
            direct.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
            buf.release();
            return direct;
        }
        throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName());
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (!writeBlocked) {
            writeBlocked = EdgeStreamIo.write(socket, in);
        }
    }

    @Override
    void onEvents(int ops) {
        if (connectPromise != null) {
            if ((ops & (ERR | HUP)) != 0) {
                connectFailed();
                return;
            }
            if ((ops & OUT) == 0 || !finishConnect()) {
                return;
            }
        } else if ((ops & (OUT | ERR)) != 0 && writeBlocked) {
            writeBlocked = false;
            ((StreamUnsafe) unsafe()).flushNow();
        }
        if ((ops & (RDHUP | HUP)) != 0) {
            peerShut = true;
        }
        if ((ops & (IN | RDHUP | HUP | ERR)) != 0 && !inputShutdown) {
            readReady = true;
            // An error is read at once (it ends the connection), even without a read request.
            if (readPending || (ops & ERR) != 0) {
                readNow();
            }
        }
    }

    private boolean finishConnect() {
        InetSocketAddress peer = socket.remoteAddress(); // null while still connecting
        if (peer == null) {
            return false;
        }
        connected(peer);
        return true;
    }

    private void connectFailed() {
        ChannelPromise p = connectPromise;
        connectPromise = null;
        cancelConnectTimeout();
        Throwable cause;
        try {
            socket.finishConnect(); // reads SO_ERROR and throws it
            cause = new ConnectException("connection failed: " + remote);
        } catch (Throwable t) {
            cause = t;
        }
        p.tryFailure(((StreamUnsafe) unsafe()).annotate(cause, remote));
        unsafe().close(unsafe().voidPromise());
    }

    private void connected(InetSocketAddress peer) {
        ChannelPromise p = connectPromise;
        connectPromise = null;
        cancelConnectTimeout();
        if (remote == null) {
            remote = peer;
        }
        active = true;
        boolean promiseSet = p == null || p.trySuccess();
        pipeline().fireChannelActive();
        if (!promiseSet) {
            unsafe().close(unsafe().voidPromise());
        }
    }

    private void cancelConnectTimeout() {
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
    }

    // ---- DuplexChannel: shutdowns run on the event loop ----------------------------------------

    @Override
    public boolean isInputShutdown() {
        return inputShutdown || socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public boolean isShutdown() {
        return isInputShutdown() && isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        return onLoop(promise, () -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        socket.shutdown(false, true);
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        return onLoop(promise, () -> {
            try {
                socket.shutdown(true, false);
                inputShutdown = true;
                promise.setSuccess();
            } catch (Throwable t) {
                promise.setFailure(t);
            }
        });
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        shutdownOutput().addListener(out -> shutdownInput().addListener(in -> {
            Throwable cause = out.cause() != null ? out.cause() : in.cause();
            if (cause == null) {
                promise.setSuccess();
            } else {
                promise.setFailure(cause);
            }
        }));
        return promise;
    }

    private ChannelFuture onLoop(ChannelPromise promise, Runnable task) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
        return promise;
    }

    private final class StreamUnsafe extends EdgeUnsafe {
        @Override
        protected void flush0() {
            if (!writeBlocked) {
                super.flush0();
            }
        }

        void flushNow() {
            super.flush0();
        }

        Throwable annotate(Throwable cause, SocketAddress to) {
            return annotateConnectException(cause, to);
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            if (connectPromise != null) {
                promise.tryFailure(new ConnectionPendingException());
                return;
            }
            try {
                if (localAddress != null) {
                    socket.bind(localAddress);
                }
                InetSocketAddress target = (InetSocketAddress) remoteAddress;
                boolean done = socket.connect(target);
                remote = target;
                connectPromise = promise;
                registration.submit(INTEREST);
                if (done) {
                    connected(target);
                    return;
                }
                int millis = config.getConnectTimeoutMillis();
                if (millis > 0) {
                    connectTimeout = eventLoop().schedule(() -> {
                        ChannelPromise p = connectPromise;
                        if (p != null && p.tryFailure(new ConnectTimeoutException(
                                "connection timed out after " + millis + " ms: " + target))) {
                            connectPromise = null;
                            close(voidPromise());
                        }
                    }, millis, TimeUnit.MILLISECONDS);
                }
            } catch (Throwable t) {
                connectPromise = null;
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                closeIfClosed();
            }
        }
    }
}
