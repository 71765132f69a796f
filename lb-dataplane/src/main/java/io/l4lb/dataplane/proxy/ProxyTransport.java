package io.l4lb.dataplane.proxy;

import io.l4lb.core.config.GlobalConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.l4lb.dataplane.nativeio.Libc;
import io.l4lb.dataplane.nativeio.NativeIoException;
import io.l4lb.dataplane.proxy.epoll.EdgeEpollServerSocketChannel;
import io.l4lb.dataplane.proxy.epoll.EdgeEpollSocketChannel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The Netty transport behind the proxy ({@code l4lb-transport epoll|io_uring|nio}): the event-loop
 * factory and the two channel classes. A native transport that cannot load here falls back to
 * NIO with a warning instead of failing to start.
 */
public final class ProxyTransport {
    private static final System.Logger LOG = System.getLogger(ProxyTransport.class.getName());

    /**
     * {@code -Dl4lb.epoll.channels=netty} runs the proxy's sockets on Netty's own (level-triggered)
     * epoll channels instead of {@link EdgeEpollSocketChannel}: for side-by-side measurements, and
     * as a way back should the edge-triggered channels misbehave somewhere.
     */
    static final String EPOLL_CHANNELS = "l4lb.epoll.channels";

    private final GlobalConfig.Transport kind;
    private final boolean edge;

    private ProxyTransport(GlobalConfig.Transport kind) {
        this.kind = kind;
        this.edge = kind == GlobalConfig.Transport.EPOLL && !"netty".equals(System.getProperty(EPOLL_CHANNELS));
    }

    /**
     * The requested transport, or the best one that loads here: io_uring falls back to epoll (a
     * container whose seccomp profile blocks io_uring still has epoll), epoll to NIO.
     */
    public static ProxyTransport of(GlobalConfig.Transport requested) {
        GlobalConfig.Transport k = choose(requested, Epoll.isAvailable(), IoUring.isAvailable());
        GlobalConfig.Transport asked = requested == null ? GlobalConfig.Transport.EPOLL : requested;
        if (k != asked) {
            Throwable cause = asked == GlobalConfig.Transport.IO_URING ? IoUring.unavailabilityCause()
                    : Epoll.unavailabilityCause();
            LOG.log(System.Logger.Level.WARNING, asked.name().toLowerCase(java.util.Locale.ROOT) + " unavailable, using "
                    + k.name().toLowerCase(java.util.Locale.ROOT) + ": " + cause);
        }
        return new ProxyTransport(k);
    }

    /** The transport that runs for {@code requested} (null: the default, epoll) given what loads. */
    static GlobalConfig.Transport choose(GlobalConfig.Transport requested, boolean epoll, boolean ioUring) {
        GlobalConfig.Transport k = requested == null ? GlobalConfig.Transport.EPOLL : requested;
        if (k == GlobalConfig.Transport.IO_URING && !ioUring) {
            k = GlobalConfig.Transport.EPOLL;
        }
        if (k == GlobalConfig.Transport.EPOLL && !epoll) {
            k = GlobalConfig.Transport.NIO;
        }
        return k;
    }

    public GlobalConfig.Transport kind() {
        return kind;
    }

    public EventLoopGroup newGroup(int threads) {
        IoHandlerFactory f = switch (kind) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, f);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (kind) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends SocketChannel> socketChannel() {
        return switch (kind) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /**
     * A new, unregistered client-side socket channel for a connection to {@code target}. With
     * epoll the socket is created in the target's address family (Netty's default is an IPv6
     * dual-stack socket, which costs an IPV6_V6ONLY setsockopt and carries v4-mapped addresses):
     * an {@link EdgeEpollSocketChannel}, or with Netty's channels an {@code EpollSocketChannel}
     * whose half-close guard rides on its first epoll_ctl.
     */
    public Channel newSocketChannel(InetAddress target) {
        if (edge) {
            return new EdgeEpollSocketChannel(target instanceof Inet6Address);
        }
        return switch (kind) {
            case EPOLL -> {
                EpollSocketChannel ch = new EpollSocketChannel(family(target));
                EpollHalfCloseGuard.pin(ch);
                yield ch;
            }
            case IO_URING -> new IoUringSocketChannel();
            case NIO -> new NioSocketChannel();
        };
    }

    /**
     * The listening channel for {@code bind} (an IP literal, or null for a host name: Netty's
     * channel). With epoll ({@link EdgeEpollServerSocketChannel}, or Netty's with
     * {@value #EPOLL_CHANNELS}=netty) an IPv4 address gets an IPv4 socket, so accepted connections are plain AF_INET sockets (and
     * {@code bind :80} takes IPv4 clients only, as in HAProxy); an IPv6 address (including
     * {@code ::}) keeps the dual-stack default unless {@code v6only}, which sets IPV6_V6ONLY
     * before the bind (RFC 3493 section 5.3). Other transports keep Netty's default socket; for
     * them {@link #appliesV6only()} is false.
     */
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(InetAddress bind, boolean v6only) {
        if (edge && bind != null) {
            boolean ipv6 = bind instanceof Inet6Address;
            return () -> {
                EdgeEpollServerSocketChannel ch = new EdgeEpollServerSocketChannel(ipv6);
                if (ipv6 && v6only) {
                    setV6only(ch.fd().intValue());
                }
                return ch;
            };
        }
        if (kind == GlobalConfig.Transport.EPOLL && bind instanceof Inet4Address) {
            return () -> new EpollServerSocketChannel(SocketProtocolFamily.INET);
        }
        if (kind == GlobalConfig.Transport.EPOLL && bind instanceof Inet6Address && v6only) {
            return () -> {
                EpollServerSocketChannel ch = new EpollServerSocketChannel(SocketProtocolFamily.INET6);
                setV6only(ch.fd().intValue());
                return ch;
            };
        }
        if (kind == GlobalConfig.Transport.IO_URING && bind instanceof Inet6Address && v6only) {
            // io_uring's listening socket is always AF_INET6 (an IPv4 bind becomes v4-mapped,
            // which takes IPv4 clients only), so only v6only needs the option.
            return () -> {
                IoUringServerSocketChannel ch = new IoUringServerSocketChannel();
                setV6only(ch.fd().intValue());
                return ch;
            };
        }
        Class<? extends ServerChannel> type = serverChannel();
        return new ReflectiveChannelFactory<>(type);
    }

    /** Whether {@code v6only} on a bind line takes effect with this transport. */
    public boolean appliesV6only() {
        return kind != GlobalConfig.Transport.NIO;
    }

    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;

    private static void setV6only(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(ValueLayout.JAVA_INT);
            one.set(ValueLayout.JAVA_INT, 0, 1);
            Libc.check("setsockopt(IPV6_V6ONLY)", Libc.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, one, 4));
        } catch (NativeIoException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static SocketProtocolFamily family(InetAddress a) {
        return a instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    }

    /**
     * SO_REUSEPORT lets every event loop own a listening socket on the same address, so the
     * kernel spreads accepts over the loops instead of one acceptor thread (epoll and io_uring).
     */
    public boolean reusePort() {
        return kind != GlobalConfig.Transport.NIO;
    }

    public void applyReusePort(ServerBootstrap b) {
        if (reusePort()) {
            b.option(UnixChannelOption.SO_REUSEPORT, true);
        }
    }

    /**
     * IP_FREEBIND on a listening socket: it may bind an address the host does not have (yet), such
     * as a VRRP VIP held by the other node, and accepts connections once the address arrives.
     * epoll and io_uring set the socket option; NIO cannot, so it returns false and the bind only
     * works with the sysctl {@code net.ipv4.ip_nonlocal_bind=1}.
     */
    public boolean applyFreebind(ServerBootstrap b) {
        switch (kind) {
            case EPOLL -> b.option(EpollChannelOption.IP_FREEBIND, true);
            case IO_URING -> b.option(io.netty.channel.uring.IoUringChannelOption.IP_FREEBIND, true);
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code usesrc clientip}: IP_TRANSPARENT lets the backend socket bind a non-local source
     * address (the client's). epoll and io_uring expose the option; with NIO the bind fails
     * unless the address is local, which is reported as a connect error.
     */
    public void applyTransparent(Channel ch) {
        switch (kind) {
            case EPOLL -> ch.config().setOption(EpollChannelOption.IP_TRANSPARENT, true);
            case IO_URING -> ch.config().setOption(io.netty.channel.uring.IoUringChannelOption.IP_TRANSPARENT, true);
            default -> {
            }
        }
    }
}
