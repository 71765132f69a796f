package io.l4lb.admin;

import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.core.stats.PacketPlaneStats;
import io.l4lb.core.stats.VrrpStats;
import java.time.Instant;
import java.util.List;

/**
 * What the admin plane sees of the running process. The server module implements it over its
 * proxy wiring; the admin plane reads frontends/backends/servers from it (every read goes through
 * {@link io.l4lb.core.stats.StatsCatalogue}) and asks it for the few mutations the API offers.
 * Implementations must be thread-safe: calls come from admin HTTP threads.
 */
public interface RuntimeView {

    /** One running frontend: its config and its live counters. */
    record Frontend(FrontendConfig config, FrontendCounters counters) {
        public String name() {
            return config.name();
        }
    }

    /** The running configuration: where it came from, a version bumped by each applied reload. */
    record ConfigInfo(String source, long version, Instant loadedAt) {
    }

    /**
     * The outcome of a reload: {@code ok} false keeps the old config; {@code errors} read
     * file:line:col. {@code changes} lists what was applied; {@code restartNeeded} the changed
     * settings that the running process cannot take and that wait for a restart (also listed in
     * {@code changes} with the suffix "not applied, needs a restart").
     */
    record ReloadResult(boolean ok, long version, List<String> errors, List<String> changes,
                        List<String> restartNeeded) {
        public ReloadResult {
            errors = List.copyOf(errors);
            changes = List.copyOf(changes);
            restartNeeded = List.copyOf(restartNeeded);
        }

        public ReloadResult(boolean ok, long version, List<String> errors, List<String> changes) {
            this(ok, version, errors, changes, List.of());
        }
    }

    List<Frontend> frontends();

    List<BackendRuntime> backends();

    ConfigInfo config();

    /** Re-reads the config file and applies the difference (or keeps the old one on error). */
    ReloadResult reload();

    /** Creates the runtime state of a server added through the API (address resolved by the caller). */
    default ServerRuntime addServer(BackendRuntime backend, ServerConfig server) {
        java.net.InetSocketAddress a = new java.net.InetSocketAddress(server.host(), server.port());
        if (a.isUnresolved()) {
            throw new AdminException(400, "address '" + server.host() + "' does not resolve");
        }
        ServerRuntime s = new ServerRuntime(server, a);
        if (!backend.addServer(s)) {
            throw new AdminException(409, "server '" + server.name() + "' already exists in '"
                    + backend.name() + "'");
        }
        return s;
    }

    /** Removes a server at run time; its live connections end on their own. */
    default ServerRuntime removeServer(BackendRuntime backend, String server) {
        return backend.removeServer(server);
    }

    /**
     * The VRRP instances of the process ({@code vrrp NAME} sections), each a fresh snapshot; empty
     * when there are none. Read by {@code /api/vrrp}, {@code l4lb ctl show vrrp} and the metrics.
     */
    default List<VrrpStats> vrrp() {
        return List.of();
    }

    /**
     * The dr/tunnel packet plane as a whole, a fresh snapshot; null when the process runs none. Read
     * by {@code /api/packet}, the stats page and the {@code l4lb_packet_*} metrics. Its frontends
     * are in {@link #frontends()}, their counters in the packet fields of {@link FrontendCounters}.
     */
    default PacketPlaneStats packetPlane() {
        return null;
    }

    default BackendRuntime backend(String name) {
        for (BackendRuntime b : backends()) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }
}
