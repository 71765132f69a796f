package io.l4lb.dataplane.proxy;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A running proxy on 127.0.0.1:0 in front of given backends; closed by the test. */
final class ProxyFixture implements AutoCloseable {
    final ProxyEngine engine;
    final Map<String, BackendRuntime> backends = new LinkedHashMap<>();
    final FrontendCounters counters;
    final InetSocketAddress address;

    ProxyFixture(FrontendConfig fe, List<BackendConfig> bes) throws InterruptedException {
        this(fe, bes, GlobalConfig.Transport.EPOLL, 2);
    }

    ProxyFixture(FrontendConfig fe, List<BackendConfig> bes, GlobalConfig.Transport t, int loops)
            throws InterruptedException {
        for (BackendConfig b : bes) {
            List<ServerRuntime> servers = new ArrayList<>();
            for (ServerConfig s : b.servers()) {
                servers.add(new ServerRuntime(s, new InetSocketAddress(s.host(), s.port())));
            }
            backends.put(b.name(), new BackendRuntime(b, servers));
        }
        engine = new ProxyEngine(new ProxyEngine.Options(ProxyTransport.of(t), loops, 0,
                io.l4lb.core.time.NanoClock.SYSTEM, io.l4lb.core.state.PassiveObservationSink.NONE));
        if (engine.transport().kind() != t) { // a test names the transport it means to exercise
            throw new IllegalStateException(t + " fell back to " + engine.transport().kind());
        }
        counters = engine.addFrontend(fe, backends);
        engine.start();
        address = engine.boundAddresses(fe.name()).getFirst();
    }

    static FrontendConfig frontend(String defaultBackend) {
        return FrontendConfig.of("fe", BindConfig.of("127.0.0.1", 0), defaultBackend);
    }

    ServerRuntime server(String backend, String name) {
        return backends.get(backend).server(name);
    }

    @Override
    public void close() {
        engine.close();
    }
}
