package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.config.SourcePos;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.core.time.NanoClock;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Address families of listening sockets with epoll and io_uring, as HAProxy binds them: {@code bind :::port}
 * is dual-stack (IPv4 clients arrive v4-mapped), {@code bind :::port v6only} takes IPv6 clients
 * only (IPV6_V6ONLY, RFC 3493 section 5.3), and an IPv4 bind takes IPv4 clients only. Checked by
 * connecting from 127.0.0.1 and ::1 to the port the listener got: a refused connect proves there
 * is no socket for that family on that port.
 */
class BindFamilyTest {
    private static ProxyEngine start(GlobalConfig.Transport t, BindConfig bind) throws Exception {
        ProxyEngine e = new ProxyEngine(new ProxyEngine.Options(ProxyTransport.of(t), 1, 0,
                NanoClock.SYSTEM, PassiveObservationSink.NONE));
        BackendRuntime be = new BackendRuntime(BackendConfig.of("web", "roundrobin", List.of()), List.of());
        e.addFrontend(FrontendConfig.of("fe", bind, "web"), Map.of("web", be));
        e.start();
        assertEquals(t, e.transport().kind());
        return e;
    }

    private static BindConfig v6(boolean v6only) {
        return new BindConfig("::", 0, 0, false, v6only, false, null, SourcePos.NONE);
    }

    private static void connect(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
        }
    }

    private static int port(ProxyEngine e) {
        List<InetSocketAddress> bound = e.boundAddresses("fe");
        assertEquals(1, bound.size());
        return bound.getFirst().getPort();
    }

    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING"})
    void v6onlyListenerRefusesIpv4Clients(GlobalConfig.Transport t) throws Exception {
        ProxyEngine e = start(t, v6(true));
        try {
            int port = port(e);
            connect("::1", port);
            assertThrows(ConnectException.class, () -> connect("127.0.0.1", port));
        } finally {
            e.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING"})
    void dualStackListenerTakesBothFamilies(GlobalConfig.Transport t) throws Exception {
        ProxyEngine e = start(t, v6(false));
        try {
            int port = port(e);
            connect("::1", port);
            connect("127.0.0.1", port);
        } finally {
            e.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GlobalConfig.Transport.class, names = {"EPOLL", "IO_URING"})
    void ipv4ListenerRefusesIpv6Clients(GlobalConfig.Transport t) throws Exception {
        ProxyEngine e = start(t, BindConfig.of("127.0.0.1", 0));
        try {
            int port = port(e);
            connect("127.0.0.1", port);
            assertThrows(ConnectException.class, () -> connect("::1", port));
        } finally {
            e.close();
        }
    }
}
