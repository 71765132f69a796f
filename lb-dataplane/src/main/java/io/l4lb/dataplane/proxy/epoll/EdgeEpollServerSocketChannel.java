package io.l4lb.dataplane.proxy.epoll;

import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
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
public final class EdgeEpollServerSocketChannel extends EdgeEpollChannel implements ServerChannel {
    private static final EpollIoOps INTEREST = EpollIoOps.valueOf(Native.EPOLLIN | Native.EPOLLET);

    /** accept4's sockaddr as Netty's native layer encodes it: length, address, scope id, port. */
    private final byte[] acceptedAddress = new byte[26];
    private volatile InetSocketAddress local;
    private InetSocketAddress childLocal;

    /**
     * TCP_NODELAY is set here once: Linux copies it to every accepted socket, which saves the
     * per-connection setsockopt HAProxy makes (the accepted channels rely on this).
     */
    public EdgeEpollServerSocketChannel(boolean ipv6) {
        super(null, EdgeSocket.stream(ipv6));
        config.setRecvByteBufAllocator(new ServerChannelRecvByteBufAllocator());
        config.setOption(ChannelOption.TCP_NODELAY, true);
    }

    @Override
    public boolean isActive() {
        return socket.isOpen() && local != null;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new EdgeUnsafe();
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
    protected void doDisconnect() {
        throw new UnsupportedOperationException("a listening socket does not disconnect");
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException("a listening socket does not write");
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException("a listening socket does not write");
    }

    @Override
    void onEvents(int ops) {
        readReady = true;
        if (readPending) {
            readNow();
        }
    }

    /** Accepts until EAGAIN or the batch limit (auto-read off: one), each child to the pipeline. */
    @Override
    void readNow() {
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
                    readReady = false;
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
}
