package io.l4lb.dataplane.proxy.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.IovArray;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
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
 * docs/benchmarks-proxy.md). Edge-triggered (epoll(7)), readiness is remembered here instead:
 * <ul>
 *   <li>input: an edge sets {@code readReady}; a read request reads while it is set, and only a
 *       short read or EAGAIN clears it (a short read means the receive queue was empty, and any
 *       later arrival raises a new edge). A peer FIN seen as EPOLLRDHUP keeps it set until the
 *       EOF itself is read, since no further edge comes for a FIN that arrived with the data.
 *       A read request while input is ready runs as a task, never inside the caller (the relay
 *       asks for the next read from a write listener, which may sit inside channelRead).</li>
 *   <li>output: a short write sets {@code writeBlocked}; the next EPOLLOUT edge flushes.</li>
 *   <li>connect: EPOLLOUT without EPOLLERR/EPOLLHUP, confirmed by {@code getpeername} (an event
 *       fetched for a closed fd whose number was reused in the same epoll_wait batch must not
 *       complete someone else's connect).</li>
 * </ul>
 * Close shuts the fd before cancelling the registration, which the kernel's removal of a closed
 * fd from the epoll set makes an {@code EPOLL_CTL_DEL} unnecessary. Input EOF is an event, with
 * no {@code shutdown(SHUT_RD)}.
 * Threading: everything but construction runs on the channel's event loop.
 */
public final class EdgeEpollSocketChannel extends AbstractChannel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final int IN = Native.EPOLLIN;
    private static final int OUT = Native.EPOLLOUT;
    private static final int RDHUP = Native.EPOLLRDHUP;
    private static final int ERR = Native.EPOLLERR;
    private static final int HUP = 0x010; // EPOLLHUP (sys/epoll.h); Netty does not export it
    private static final EpollIoOps INTEREST = EpollIoOps.valueOf(IN | OUT | RDHUP | Native.EPOLLET);
    /** One iovec array per event loop for gathering writes (Netty's epoll keeps one per loop too). */
    private static final FastThreadLocal<IovArray> IOV = new FastThreadLocal<>() {
        @Override
        protected IovArray initialValue() {
            return new IovArray();
        }

        @Override
        protected void onRemoval(IovArray value) {
            value.release();
        }
    };

    private final EdgeSocket socket;
    private final EdgeEpollChannelConfig config;
    private volatile boolean active;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    private IoRegistration registration;
    private boolean readReady;
    private boolean peerShut;
    private boolean readPending;
    private boolean readQueued;
    private boolean writeBlocked;
    private boolean inputShutdown;
    private ChannelPromise connectPromise;
    private Future<?> connectTimeout;
    private final Runnable readTask = this::queuedRead;

    /** A client-side socket in the target's family, TCP_NODELAY set (as HAProxy does). */
    public EdgeEpollSocketChannel(boolean ipv6) {
        super(null);
        this.socket = EdgeSocket.stream(ipv6);
        this.config = new EdgeEpollChannelConfig(this, socket, () -> readPending = false);
        setNoDelay();
    }

    /** An accepted connection; {@code localAddress} null when the listener is bound to a wildcard. */
    EdgeEpollSocketChannel(Channel parent, EdgeSocket socket, InetSocketAddress remoteAddress,
                           InetSocketAddress localAddress) {
        super(parent);
        this.socket = socket;
        this.config = new EdgeEpollChannelConfig(this, socket, () -> readPending = false);
        this.remote = remoteAddress;
        this.local = localAddress;
        this.active = true;
        setNoDelay();
    }

    private void setNoDelay() {
        try {
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            // an accepted socket the peer already reset: the first read reports it
        }
    }

    /** The socket, for the relay's direct {@code shutdown(SHUT_WR)}. */
    public FileDescriptor fd() {
        return socket;
    }

    @Override
    public EdgeEpollChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(EdgeUnsafe.class);
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
        return new EdgeUnsafe();
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((EdgeUnsafe) unsafe()).addListener(f -> {
            if (!f.isSuccess()) {
                promise.setFailure(f.cause());
                return;
            }
            registration = (IoRegistration) f.getNow();
            if (active) {
                try {
                    registration.submit(INTEREST);
                } catch (RuntimeException e) {
                    promise.setFailure(e);
                    return;
                }
            }
            promise.setSuccess();
        });
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
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
        try {
            socket.close();
        } finally {
            IoRegistration r = registration;
            if (r != null) {
                r.cancel(); // the fd is closed: Netty skips EPOLL_CTL_DEL, the kernel already dropped it
            }
        }
    }

    @Override
    protected void doDeregister() {
        IoRegistration r = registration;
        if (r != null) {
            r.cancel();
        }
    }

    @Override
    protected void doBeginRead() {
        if (inputShutdown) {
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

    /** One read batch: as many buffers as the allocator handle allows (one with auto-read off). */
    private void readNow() {
        readPending = false;
        if (!active || inputShutdown) {
            return;
        }
        ChannelPipeline pipeline = pipeline();
        RecvByteBufAllocator.Handle handle = unsafe().recvBufAllocHandle();
        handle.reset(config);
        ByteBufAllocator alloc = config.getAllocator();
        boolean eof = false;
        Throwable error = null;
        try {
            do {
                ByteBuf buf = handle.allocate(alloc);
                int asked = buf.writableBytes();
                int n;
                try {
                    if (buf.hasMemoryAddress()) {
                        n = socket.recvAddress(buf.memoryAddress(), buf.writerIndex(), buf.capacity());
                    } else {
                        ByteBuffer nio = buf.internalNioBuffer(buf.writerIndex(), asked);
                        n = socket.recv(nio, nio.position(), nio.limit());
                    }
                } catch (IOException | RuntimeException e) {
                    buf.release();
                    throw e;
                }
                if (n <= 0) {
                    buf.release();
                    handle.lastBytesRead(n < 0 ? -1 : 0);
                    if (n < 0) {
                        eof = true;
                    }
                    readReady = false;
                    break;
                }
                buf.writerIndex(buf.writerIndex() + n);
                handle.lastBytesRead(n);
                handle.incMessagesRead(1);
                pipeline.fireChannelRead(buf);
                if (n < asked) {
                    // Short read: the queue was empty. A FIN that came with the data raised no
                    // edge of its own, so a seen RDHUP keeps input ready until EOF is read.
                    readReady = peerShut;
                    break;
                }
            } while (handle.continueReading() && active && !inputShutdown);
        } catch (Throwable t) {
            error = t;
        }
        handle.readComplete();
        pipeline.fireChannelReadComplete();
        if (error != null) {
            pipeline.fireExceptionCaught(error);
            unsafe().close(unsafe().voidPromise());
        } else if (eof) {
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
        while (!writeBlocked) {
            int count = in.size();
            if (count == 0) {
                return;
            }
            if (count == 1) {
                ByteBuf b = (ByteBuf) in.current();
                int want = b.readableBytes();
                if (want == 0) {
                    in.remove();
                    continue;
                }
                int n;
                if (b.hasMemoryAddress()) {
                    n = socket.sendAddress(b.memoryAddress(), b.readerIndex(), b.writerIndex());
                } else {
                    ByteBuffer nio = b.internalNioBuffer(b.readerIndex(), want);
                    n = socket.send(nio, nio.position(), nio.limit());
                }
                in.removeBytes(n);
                writeBlocked = n < want;
            } else {
                IovArray iov = IOV.get();
                iov.clear();
                in.forEachFlushedMessage(iov);
                long want = iov.size();
                long n = socket.writevAddresses(iov.memoryAddress(0), iov.count());
                in.removeBytes(n);
                writeBlocked = n < want;
            }
        }
    }

    private void onEvents(int ops) {
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
            ((EdgeUnsafe) unsafe()).flushNow();
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
            cause = new java.net.ConnectException("connection failed: " + remote);
        } catch (Throwable t) {
            cause = t;
        }
        p.tryFailure(((EdgeUnsafe) unsafe()).annotate(cause, remote));
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

    // ---- DuplexChannel ---------------------------------------------------------------------------

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
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        } else {
            loop.execute(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        }
        return promise;
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
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            loop.execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        try {
            socket.shutdown(true, false);
            inputShutdown = true;
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture out = shutdownOutput();
        out.addListener(f -> {
            ChannelFuture in = shutdownInput();
            in.addListener(g -> {
                Throwable cause = f.cause() != null ? f.cause() : g.cause();
                if (cause == null) {
                    promise.setSuccess();
                } else {
                    promise.setFailure(cause);
                }
            });
        });
        return promise;
    }

    private final class EdgeUnsafe extends AbstractUnsafe implements EpollIoHandle {
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
