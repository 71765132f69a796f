package io.l4lb.server.runtime;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ProxyMode;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.time.NanoClock;
import io.l4lb.dataplane.proxy.ProxyEngine;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Wiring of proxy mode: {@link L4Config} -> {@link BackendRuntime}/{@link ServerRuntime} (server
 * names resolved once here, see {@link ServerAddressResolver}) -> a {@link ProxyEngine} with one
 * listener set per {@code mode tcp} frontend whose backends forward as {@code proxy}.
 * Frontends in http mode (stats pages) and backends forwarding as dr/tunnel belong to other
 * subsystems and are listed in {@link #skipped()}.
 */
public final class ProxyRuntime implements AutoCloseable {
    private final L4Config config;
    private final Map<String, BackendRuntime> backends = new LinkedHashMap<>();
    private final Map<String, BackendRuntime> proxyBackends = new LinkedHashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private final ProxyEngine engine;
    /** {@code hard-stop-after}; a reload may change it. */
    private volatile Duration hardStopAfter;

    public ProxyRuntime(L4Config config, ServerAddressResolver resolver, PassiveObservationSink sink) {
        this.config = config;
        this.hardStopAfter = config.global().hardStopAfter();
        for (BackendConfig b : config.backends().values()) {
            if (b.mode() != ProxyMode.TCP) {
                continue;
            }
            List<ServerRuntime> servers = new ArrayList<>();
            for (ServerConfig s : b.servers()) {
                servers.add(new ServerRuntime(s, resolver.resolve(s)));
            }
            // dr/tunnel backends live in the same map (health checks, admin, stats see them all);
            // only proxy ones are handed to the proxy engine, the packet plane takes the others.
            backends.put(b.name(), new BackendRuntime(b, servers));
            if (b.forward() == ForwardStyle.PROXY) {
                proxyBackends.put(b.name(), backends.get(b.name()));
            }
        }
        ProxyEngine.Options o = ProxyEngine.Options.of(config.global()).withSink(sink);
        this.engine = new ProxyEngine(new ProxyEngine.Options(o.transport(), o.eventLoops(), o.globalMaxconn(),
                NanoClock.SYSTEM, sink));
        for (FrontendConfig f : config.frontends().values()) {
            if (f.mode() != ProxyMode.TCP || f.binds().isEmpty()) {
                skipped.add(f.name() + " (mode " + f.mode().name().toLowerCase(java.util.Locale.ROOT) + ")");
                continue;
            }
            if (f.defaultBackend() != null && !proxyBackends.containsKey(f.defaultBackend())) {
                skipped.add(f.name() + " (backend " + f.defaultBackend() + " is not forward proxy)");
                continue;
            }
            Map<String, BackendRuntime> reachable = new LinkedHashMap<>(proxyBackends);
            engine.addFrontend(f, reachable);
        }
    }

    public static ProxyRuntime of(L4Config config) {
        return of(config, PassiveObservationSink.NONE);
    }

    /** With the dataplane's connect outcomes going to {@code sink} (the health checks' passive observation). */
    public static ProxyRuntime of(L4Config config, PassiveObservationSink sink) {
        return new ProxyRuntime(config, new ServerAddressResolver(ServerAddressResolver.SYSTEM), sink);
    }

    public void start() throws InterruptedException {
        engine.start();
    }

    public ProxyEngine engine() {
        return engine;
    }

    public Map<String, BackendRuntime> backends() {
        return backends;
    }

    public List<String> skipped() {
        return skipped;
    }

    public List<InetSocketAddress> boundAddresses(String frontend) {
        return engine.boundAddresses(frontend);
    }

    /** Graceful stop bounded by {@code hard-stop-after} (no bound when unset). */
    public CompletableFuture<Void> stop() {
        return engine.stop(hardStopAfter);
    }

    /** Reload: the drain bound of the next graceful stop (null = none). */
    public void setHardStopAfter(Duration d) {
        this.hardStopAfter = d;
    }

    public Duration hardStopAfter() {
        return hardStopAfter;
    }

    /** True when {@code f} is served by this proxy: mode tcp, bound, its default backend forwarding as proxy. */
    public static boolean servedByProxy(FrontendConfig f, L4Config config) {
        if (f.mode() != ProxyMode.TCP || f.binds().isEmpty()) {
            return false;
        }
        BackendConfig b = f.defaultBackend() == null ? null : config.backends().get(f.defaultBackend());
        return f.defaultBackend() == null || b != null && b.forward() == ForwardStyle.PROXY;
    }

    public CompletableFuture<Void> stop(Duration grace) {
        return engine.stop(grace);
    }

    @Override
    public void close() {
        engine.close();
    }
}
