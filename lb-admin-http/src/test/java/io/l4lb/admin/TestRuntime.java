package io.l4lb.admin;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real {@link RuntimeView} over real {@link BackendRuntime}s, without the proxy: frontend
 * {@code fe_web} -> backend {@code web} (s1, s2, s3 weight 1/2/3, s3 backup=false) and backend
 * {@code db} (m1, m2 backup). Reload answers come from {@link #reloadAnswer}.
 */
final class TestRuntime implements RuntimeView {
    final FrontendCounters feCounters = new FrontendCounters();
    final List<Frontend> frontends = new ArrayList<>();
    final List<BackendRuntime> backends = new ArrayList<>();
    final AtomicInteger reloads = new AtomicInteger();
    /** What {@link #vrrp()} answers (the process wiring builds these from the VRRP engine). */
    volatile List<io.l4lb.core.stats.VrrpStats> vrrp = List.of();
    /** What {@link #packetPlane()} answers (null: no dr/tunnel packet plane). */
    volatile io.l4lb.core.stats.PacketPlaneStats packet;
    volatile Supplier<ReloadResult> reloadAnswer = () -> new ReloadResult(true, 2, List.of(), List.of("nothing"));

    TestRuntime() {
        frontends.add(new Frontend(FrontendConfig.of("fe_web", BindConfig.of("127.0.0.1", 8080), "web"),
                feCounters));
        backends.add(backend("web", "wrr", List.of(server("s1", 10001, 1), server("s2", 10002, 2),
                server("s3", 10003, 3))));
        backends.add(backend("db", "lc", List.of(server("m1", 10011, 1),
                ServerConfig.of("m2", "127.0.0.1", 10012).withOptions(
                        ServerConfig.ServerOptions.DEFAULTS.withBackup(true)))));
    }

    static ServerConfig server(String name, int port, int weight) {
        return new ServerConfig(name, "127.0.0.1", port, ServerConfig.ServerOptions.DEFAULTS.withWeight(weight),
                io.l4lb.core.config.SourcePos.NONE);
    }

    static BackendRuntime backend(String name, String sched, List<ServerConfig> servers) {
        List<ServerRuntime> rt = new ArrayList<>();
        for (ServerConfig s : servers) {
            rt.add(new ServerRuntime(s, new InetSocketAddress(s.host(), s.port())));
        }
        return new BackendRuntime(BackendConfig.of(name, sched, servers), rt);
    }

    BackendRuntime web() {
        return backends.get(0);
    }

    @Override
    public List<Frontend> frontends() {
        return List.copyOf(frontends);
    }

    @Override
    public List<BackendRuntime> backends() {
        return List.copyOf(backends);
    }

    @Override
    public ConfigInfo config() {
        return new ConfigInfo("/etc/l4lb/test.cfg", 1 + reloads.get(), Instant.EPOCH);
    }

    @Override
    public ReloadResult reload() {
        ReloadResult r = reloadAnswer.get();
        if (r.ok()) {
            reloads.incrementAndGet();
        }
        return r;
    }

    @Override
    public io.l4lb.core.stats.PacketPlaneStats packetPlane() {
        return packet;
    }

    @Override
    public List<io.l4lb.core.stats.VrrpStats> vrrp() {
        return vrrp;
    }
}
