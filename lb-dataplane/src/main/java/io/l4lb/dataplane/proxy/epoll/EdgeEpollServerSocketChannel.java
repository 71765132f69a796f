package io.l4lb.dataplane.proxy.epoll;

import io.netty.channel.AbstractServerChannel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.NativeInetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The listening socket for {@link EdgeEpollSocketChannel}s: registered edge-triggered once at
 * bind, it accepts until EAGAIN (or until the allocator handle's per-batch limit, remembering
 * that more may be waiting). Children learn their peer from accept4 itself and, when the
 * listener is bound to a specific address, their local address from the listener: no
 * {@code getpeername}/{@code getsockname} per connection. Auto-read off (a frontend or global
 * maxconn is full) stops accepting after the current connection; the backlog holds the rest.
 */
public final class EdgeEpollServerSocketChannel extends AbstractServerChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final EpollIoOps INTEREST = EpollIoOps.valueOf(Native.EPOLLIN | Native.EPOLLET);

    private final EdgeSocket socket;
    private final EdgeEpollChannelConfig config;
    /** accept4's sockaddr as Netty's native layer encodes it: length, address, scope id, port. */
    private final byte[] acceptedAddress = new byte[26];
    private volatile InetSocketAddress local;
    private InetSocketAddress childLocal;
    private IoRegistration registration;
    private boolean acceptReady;
    private boolean readPending;
    private boolean acceptQueued;
    private final Runnable acceptTask = this::queuedAccept;

    public EdgeEpollServerSocketChannel(boolean ipv6) {
        this.socket = EdgeSocket.stream(ipv6);
        this.config = new EdgeEpollChannelConfig(this, socket, () -> readPending = false);
        config.setRecvByteBufAllocator(new ServerChannelRecvByteBufAllocator());
    }

    /** The listening socket (for IPV6_V6ONLY before the bind). */
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
        return socket.isOpen() && local != null;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(ServerUnsafe.class);
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new ServerUnsafe();
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((ServerUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(localAddress);
        socket.listen(config.backlog());
        InetSocketAddress bound = socket.localAddress();
        childLocal = bound.getAddress().isAnyLocalAddress() ? null : bound;
        local = bound;
        registration.submit(INTEREST);
    }

    @Override
    protected void doClose() throws Exception {
        try {
            socket.close();
        } finally {
            IoRegistration r = registration;
            if (r != null) {
                r.cancel();
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
        readPending = true;
        if (acceptReady && !acceptQueued) {
            acceptQueued = true;
            eventLoop().execute(acceptTask);
        }
    }

    private void queuedAccept() {
        acceptQueued = false;
        if (readPending && acceptReady) {
            acceptNow();
        }
    }

    private void acceptNow() {
        readPending = false;
        if (!isActive()) {
            return;
        }
        ChannelPipeline pipeline = pipeline();
        RecvByteBufAllocator.Handle handle = unsafe().recvBufAllocHandle();
        handle.reset(config);
        Throwable error = null;
        try {
            do {
                int fd = socket.accept(acceptedAddress);
                if (fd == -1) {
                    acceptReady = false;
                    break;
                }
                handle.lastBytesRead(1);
                handle.incMessagesRead(1);
                InetSocketAddress peer = NativeInetAddress.address(acceptedAddress, 1, acceptedAddress[0]);
                pipeline.fireChannelRead(new EdgeEpollSocketChannel(this, new EdgeSocket(fd), peer, childLocal));
            } while (handle.continueReading());
        } catch (Throwable t) {
            error = t;
        }
        handle.readComplete();
        pipeline.fireChannelReadComplete();
        if (error != null) {
            pipeline.fireExceptionCaught(error);
        }
    }

    private final class ServerUnsafe extends AbstractUnsafe implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void handle(IoRegistration r, IoEvent event) {
            acceptReady = true;
            if (readPending) {
                acceptNow();
            }
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
