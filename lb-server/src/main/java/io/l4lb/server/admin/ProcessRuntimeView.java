package io.l4lb.server.admin;

import io.l4lb.admin.RuntimeView;
import io.l4lb.core.config.ConfigException;
import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.Diagnostic;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.server.runtime.PacketWiring;
import io.l4lb.server.runtime.ProxyRuntime;
import io.l4lb.server.runtime.ServerMembershipListener;
import io.l4lb.server.runtime.ServerAddressResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running process as the admin plane sees it: the proxy wiring's backends and frontend
 * counters, the config file and its version, and reload.
 *
 * <p>Reload (SIGHUP or the API): parse the file; on error keep everything and return the
 * diagnostics (file:line:col). Otherwise {@link ConfigDiff} the running config against the new one
 * and let {@link ReloadApplier} apply the difference in place (servers, backend settings,
 * frontends, global maxconn/hard-stop-after, dr/tunnel services); settings that need a restart
 * are logged and returned by name. Reloads are serialised.
 */
public final class ProcessRuntimeView implements RuntimeView {
    private static final System.Logger LOG = System.getLogger(ProcessRuntimeView.class.getName());
    private final Path file;
    private final ProxyRuntime runtime;
    private final ServerAddressResolver resolver;
    private volatile L4Config config;
    /** Backends the proxy serves: starts as the wiring's, replaced as a whole by reloads. */
    private volatile Map<String, BackendRuntime> backends;
    private volatile long version = 1;
    private volatile Instant loadedAt = Instant.now();

    public ProcessRuntimeView(Path file, L4Config config, ProxyRuntime runtime, ServerAddressResolver resolver) {
        this.file = file;
        this.config = config;
        this.runtime = runtime;
        this.resolver = resolver;
        this.backends = Map.copyOf(new LinkedHashMap<>(runtime.backends()));
        this.order = List.copyOf(runtime.backends().keySet());
    }

    /** The VRRP instances' snapshots (none unless the wiring sets a source). */
    private volatile java.util.function.Supplier<List<io.l4lb.core.stats.VrrpStats>> vrrp = List::of;

    /** Where {@link #vrrp()} reads the VRRP instances from (the run wiring's {@code VrrpWiring::stats}). */
    public void vrrpSource(java.util.function.Supplier<List<io.l4lb.core.stats.VrrpStats>> source) {
        this.vrrp = source;
    }

    @Override
    public List<io.l4lb.core.stats.VrrpStats> vrrp() {
        return vrrp.get();
    }

    /**
     * The dr/tunnel packet plane (null when the process runs none): its frontends join
     * {@link #frontends()}, and reloads rebuild its services.
     */
    private volatile PacketWiring packet;

    public void packetSource(PacketWiring p) {
        this.packet = p;
    }

    @Override
    public io.l4lb.core.stats.PacketPlaneStats packetPlane() {
        PacketWiring p = packet;
        return p == null ? null : p.stats();
    }

    /** Declaration order of {@link #backends} (Map.copyOf does not keep it). */
    private volatile List<String> order;
    /** Told of servers added/removed by the API or a reload (health checks follow them). */
    private volatile ServerMembershipListener membership = ServerMembershipListener.NONE;

    public void setMembershipListener(ServerMembershipListener l) {
        this.membership = l == null ? ServerMembershipListener.NONE : l;
    }

    @Override
    public ServerRuntime addServer(BackendRuntime backend, ServerConfig server) {
        ServerRuntime s = RuntimeView.super.addServer(backend, server);
        membership.serverAdded(backend, s);
        packetsFollow(backend);
        return s;
    }

    @Override
    public ServerRuntime removeServer(BackendRuntime backend, String server) {
        ServerRuntime s = RuntimeView.super.removeServer(backend, server);
        if (s != null) {
            membership.serverRemoved(backend, s);
            packetsFollow(backend);
        }
        return s;
    }

    /** Same as {@link #packetSource}: the dr/tunnel wiring a reload rebuilds its services in. */
    public void setPacketWiring(PacketWiring p) {
        this.packet = p;
    }

    /**
     * A server added or removed through the API in a dr/tunnel backend: rebuild the packet
     * services so the new real server gets its MAC followed (and a removed one no longer is).
     */
    private synchronized void packetsFollow(BackendRuntime backend) {
        PacketWiring p = packet;
        if (p != null && backend.config().forward() != io.l4lb.core.config.ForwardStyle.PROXY) {
            p.reload(config, orderedBackends());
        }
    }

    private Map<String, BackendRuntime> orderedBackends() {
        Map<String, BackendRuntime> m = new LinkedHashMap<>();
        for (String n : order) {
            m.put(n, backends.get(n));
        }
        return m;
    }

    public L4Config currentConfig() {
        return config;
    }

    @Override
    public List<Frontend> frontends() {
        List<Frontend> out = new ArrayList<>();
        Map<String, FrontendCounters> counters = new LinkedHashMap<>(runtime.engine().allCounters());
        PacketWiring p = packet;
        if (p != null) {
            // dr/tunnel frontends are not the proxy's: their counters come from the packet plane
            p.frontendCounters().forEach(counters::putIfAbsent);
        }
        for (Map.Entry<String, FrontendCounters> e : counters.entrySet()) {
            FrontendConfig fc = config.frontends().get(e.getKey());
            if (fc != null) {
                out.add(new Frontend(fc, e.getValue()));
            }
        }
        return out;
    }

    @Override
    public List<BackendRuntime> backends() {
        Map<String, BackendRuntime> m = backends;
        List<BackendRuntime> out = new ArrayList<>();
        for (String n : order) {
            BackendRuntime b = m.get(n);
            if (b != null) {
                out.add(b);
            }
        }
        return out;
    }

    @Override
    public ConfigInfo config() {
        return new ConfigInfo(file.toAbsolutePath().toString(), version, loadedAt);
    }

    @Override
    public synchronized ReloadResult reload() {
        L4Config next;
        try {
            next = ConfigParser.parseFile(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "reload: cannot read " + file + ": " + e.getMessage()
                    + "; the running config is kept");
            return new ReloadResult(false, version, List.of(file + ": " + e.getMessage()), List.of());
        } catch (ConfigException e) {
            List<String> errors = e.errors().stream().map(Diagnostic::toString).toList();
            LOG.log(System.Logger.Level.ERROR, "reload rejected, the running config is kept:\n  "
                    + String.join("\n  ", errors));
            return new ReloadResult(false, version, errors, List.of());
        }
        ConfigDiff.Plan plan = ConfigDiff.diff(config, next);
        ReloadApplier.Result r = new ReloadApplier(runtime, resolver, membership, packet)
                .apply(plan, config, next, orderedBackends());
        backends = Map.copyOf(r.backends());
        order = List.copyOf(r.backends().keySet());
        config = next;
        version++;
        loadedAt = Instant.now();
        List<String> changes = new ArrayList<>(r.applied());
        r.restart().forEach(x -> changes.add(x + ": not applied, needs a restart"));
        LOG.log(System.Logger.Level.INFO, "reload " + version + " applied: "
                + (r.applied().isEmpty() ? "no change" : String.join("; ", r.applied())));
        if (!r.restart().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "reload " + version + ": changed settings that need a restart: "
                    + String.join("; ", r.restart()));
        }
        return new ReloadResult(true, version, List.of(), changes, r.restart());
    }
}
