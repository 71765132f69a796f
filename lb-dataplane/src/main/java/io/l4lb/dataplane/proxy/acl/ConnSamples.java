package io.l4lb.dataplane.proxy.acl;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What a Layer-4 rule can look at for one connection: the addresses and, once the TLS ClientHello
 * was inspected, the SNI ({@code null} when absent) and the hello type ({@code -1} when unknown).
 * {@code inspected} is false before any payload was looked at.
 */
public record ConnSamples(InetSocketAddress src, InetSocketAddress dst, boolean inspected, String sni,
                          int helloType) {
    public static ConnSamples connection(InetSocketAddress src, InetSocketAddress dst) {
        return new ConnSamples(src, dst, false, null, -1);
    }

    /** A channel's remote and local addresses; anything but an IP socket address samples as null. */
    public static ConnSamples connection(SocketAddress src, SocketAddress dst) {
        return connection(src instanceof InetSocketAddress s ? s : null, dst instanceof InetSocketAddress d ? d : null);
    }

    public ConnSamples withHello(String serverName, int type) {
        return new ConnSamples(src, dst, true, serverName, type);
    }
}
