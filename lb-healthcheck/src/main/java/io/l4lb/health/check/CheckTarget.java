package io.l4lb.health.check;

import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import io.l4lb.core.time.NanoClock;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;

/**
 * Where and how one check connects.
 *
 * @param address        resolved address with the check port ({@code addr}/{@code port} applied)
 * @param ssl            run the check inside TLS ({@code check-ssl})
 * @param sslContext     client context (verify none|required, ca-file); may be null when never needed
 * @param sni            TLS server name, null for none
 * @param proxyProtocol  PROXY header written first ({@code send-proxy} / {@code check-send-proxy})
 * @param connectTimeoutNanos bound on the TCP connect
 * @param readTimeoutNanos    bound on the exchange after connect
 */
public record CheckTarget(InetSocketAddress address, boolean ssl, SslContext sslContext, String sni,
                          ProxyProtocol proxyProtocol, long connectTimeoutNanos, long readTimeoutNanos,
                          EventLoop loop, Class<? extends SocketChannel> channelClass, NanoClock clock) {

    public CheckTarget withAddress(InetSocketAddress a) {
        return new CheckTarget(a, ssl, sslContext, sni, proxyProtocol, connectTimeoutNanos, readTimeoutNanos,
                loop, channelClass, clock);
    }

    public CheckTarget withSsl(boolean on) {
        return new CheckTarget(address, on, sslContext, sni, proxyProtocol, connectTimeoutNanos, readTimeoutNanos,
                loop, channelClass, clock);
    }

    public CheckTarget withProxyProtocol(ProxyProtocol p) {
        return new CheckTarget(address, ssl, sslContext, sni, p, connectTimeoutNanos, readTimeoutNanos,
                loop, channelClass, clock);
    }
}
