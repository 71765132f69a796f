package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.core.time.NanoClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * IP_FREEBIND for VRRP VIPs: a frontend bound on an address this host does not have (192.0.2.77,
 * TEST-NET-1, never configured here; binding sends nothing) starts when the address is in the
 * engine's freebind set, and still fails loudly when it is not. Unprivileged: IP_FREEBIND needs no
 * capability.
 */
class FreebindTest {
    static final String NOT_LOCAL = "192.0.2.77";

    static ProxyEngine engine(GlobalConfig.Transport t) {
        ProxyEngine e = new ProxyEngine(new ProxyEngine.Options(ProxyTransport.of(t), 2, 0, NanoClock.SYSTEM,
                PassiveObservationSink.NONE));
        BackendRuntime be = new BackendRuntime(BackendConfig.of("web", "roundrobin", List.of()), List.of());
        e.addFrontend(FrontendConfig.of("vip", BindConfig.of(NOT_LOCAL, 0), "web"), Map.of("web", be));
        return e;
    }

    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING"})
    void aVipTheHostDoesNotHoldIsBoundWithFreebind(GlobalConfig.Transport t) throws Exception {
        ProxyEngine e = engine(t);
        assertEquals(t, e.transport().kind(), "the native transport is in use");
        e.freebind(List.of(InetAddress.ofLiteral(NOT_LOCAL)));
        try {
            e.start();
            List<InetSocketAddress> bound = e.boundAddresses("vip");
            assertEquals(1, bound.size());
            assertEquals(NOT_LOCAL, bound.getFirst().getAddress().getHostAddress());
            assertTrue(bound.getFirst().getPort() > 0);
        } finally {
            e.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING"})
    void anAddressOutsideTheFreebindSetStillFails(GlobalConfig.Transport t) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_nonlocal_bind")).strip().equals("0"),
                "net.ipv4.ip_nonlocal_bind=1 here: every non-local bind succeeds");
        ProxyEngine e = engine(t);
        e.freebind(List.of(InetAddress.ofLiteral("192.0.2.78")));
        try {
            IllegalStateException x = assertThrows(IllegalStateException.class, e::start);
            assertTrue(x.getMessage().contains("cannot bind " + NOT_LOCAL), x.getMessage());
        } finally {
            e.close();
        }
    }
}
