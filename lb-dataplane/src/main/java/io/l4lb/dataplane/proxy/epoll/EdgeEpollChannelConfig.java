package io.l4lb.dataplane.proxy.epoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.NetUtil;
import java.io.IOException;

/**
 * The options the proxy sets on its sockets, each written to the socket when set (one
 * setsockopt) and nothing read back on the hot path: no SO_SNDBUF read per channel, no SO_LINGER
 * read per close, unlike Netty's epoll config.
 */
final class EdgeEpollChannelConfig extends DefaultChannelConfig {
    // <netinet/in.h>: SOL_IP-level options Netty keeps package-private in LinuxSocket.
    private static final int SOL_IP = 0;
    private static final int IP_FREEBIND = 15;
    private static final int IP_TRANSPARENT = 19;

    private final Socket socket;
    private final Runnable autoReadCleared;
    private volatile boolean allowHalfClosure;
    private volatile int backlog = NetUtil.SOMAXCONN;

    /** {@code autoReadCleared} withdraws a pending read request (runs on the event loop). */
    EdgeEpollChannelConfig(Channel channel, Socket socket, Runnable autoReadCleared) {
        super(channel);
        this.socket = socket;
        this.autoReadCleared = autoReadCleared;
    }

    /**
     * Auto-read switched off (ConnectionLimiter does so on a full listener): a read request made
     * before must not be served by the next edge. Netty's level-triggered channels clear EPOLLIN
     * here; with an edge-triggered registration the pending request is what to withdraw.
     */
    @Override
    protected void autoReadCleared() {
        if (!channel.isRegistered() || channel.eventLoop().inEventLoop()) {
            autoReadCleared.run();
        } else {
            channel.eventLoop().execute(() -> {
                if (!isAutoRead()) {
                    autoReadCleared.run();
                }
            });
        }
    }

    boolean allowHalfClosure() {
        return allowHalfClosure;
    }

    int backlog() {
        return backlog;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        try {
            if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
                return (T) Boolean.valueOf(allowHalfClosure);
            } else if (option == ChannelOption.SO_BACKLOG) {
                return (T) Integer.valueOf(backlog);
            } else if (option == ChannelOption.TCP_NODELAY) {
                return (T) Boolean.valueOf(socket.isTcpNoDelay());
            } else if (option == ChannelOption.SO_KEEPALIVE) {
                return (T) Boolean.valueOf(socket.isKeepAlive());
            } else if (option == ChannelOption.SO_REUSEADDR) {
                return (T) Boolean.valueOf(socket.isReuseAddress());
            } else if (option == UnixChannelOption.SO_REUSEPORT) {
                return (T) Boolean.valueOf(socket.isReusePort());
            } else if (option == EpollChannelOption.IP_FREEBIND) {
                return (T) Boolean.valueOf(socket.getIntOpt(SOL_IP, IP_FREEBIND) != 0);
            } else if (option == EpollChannelOption.IP_TRANSPARENT) {
                return (T) Boolean.valueOf(socket.getIntOpt(SOL_IP, IP_TRANSPARENT) != 0);
            }
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        try {
            if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
                allowHalfClosure = (Boolean) value;
            } else if (option == ChannelOption.SO_BACKLOG) {
                backlog = (Integer) value;
            } else if (option == ChannelOption.TCP_NODELAY) {
                socket.setTcpNoDelay((Boolean) value);
            } else if (option == ChannelOption.SO_KEEPALIVE) {
                socket.setKeepAlive((Boolean) value);
            } else if (option == ChannelOption.SO_REUSEADDR) {
                socket.setReuseAddress((Boolean) value);
            } else if (option == UnixChannelOption.SO_REUSEPORT) {
                socket.setReusePort((Boolean) value);
            } else if (option == EpollChannelOption.IP_FREEBIND) {
                socket.setIntOpt(SOL_IP, IP_FREEBIND, (Boolean) value ? 1 : 0);
            } else if (option == EpollChannelOption.IP_TRANSPARENT) {
                socket.setIntOpt(SOL_IP, IP_TRANSPARENT, (Boolean) value ? 1 : 0);
            } else {
                return super.setOption(option, value);
            }
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return true;
    }
}
