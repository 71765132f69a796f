package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.config.ServerConfig;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code source 0.0.0.0 usesrc clientip}: the connection to the server is bound to the client's
 * address. On loopback every 127/8 address is local, so the bind works without the ip rule/nft
 * set-up a real network needs (docs/proxy.md), and the server sees the client's own address.
 */
@ExtendWith(NettyLeakExtension.class)
class TransparentSourceTest {
    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING"})
    void serverSeesTheClientAddressAsSource(GlobalConfig.Transport t) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(t != GlobalConfig.Transport.IO_URING
                || io.netty.channel.uring.IoUring.isAvailable(), "io_uring is not available on this kernel");
        try (var origin = new Origins.Origin("who", s -> {
            try {
                s.getOutputStream().write(s.getInetAddress().getHostAddress().getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                s.getInputStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            BackendConfig plain = BackendConfig.of("be", "rr", List.of(ServerConfig.of("who", "127.0.0.1", origin.port())));
            BackendConfig transparent = new BackendConfig(plain.name(), plain.mode(), plain.forward(), plain.balance(),
                    null, plain.servers(), plain.timeouts(), 3, false, false, false, true, plain.check(), 0, plain.pos());
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(transparent), t, 2);
                 Socket c = new Socket()) {
                c.bind(new InetSocketAddress("127.0.0.77", 0));
                c.connect(p.address, 5000);
                c.setSoTimeout(10_000);
                c.shutdownOutput();
                assertEquals("127.0.0.77", new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
    }
}
