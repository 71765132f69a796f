package io.l4lb.dataplane.proxy.epoll;

import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Socket;

/** A non-blocking TCP socket of a chosen family (Netty's own factories pick IPv6 dual-stack). */
final class EdgeSocket extends Socket {
    EdgeSocket(int fd) {
        super(fd);
    }

    static EdgeSocket stream(boolean ipv6) {
        return new EdgeSocket(newSocketStream0(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET));
    }
}
