package io.l4lb.server.admin;

import io.l4lb.admin.RuntimeView;
import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ConfigException;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.ProxyMode;
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
 * and apply, in place, what the proxy wiring can change at run time: servers added, removed,
 * re-weighted (health state and counters kept) or changed (a new runtime state with the new
 * settings); backends added/removed; frontends added (bound now), removed (listeners closed, live
 * connections run to their end) or changed (closed then re-bound: connection attempts in that
 * instant are refused). Backend-level setting changes (balance, timeouts...) and the global and
 * admin sections are reported as needing a restart. Reloads are serialised.
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

    /** The dr/tunnel packet plane (null when the process runs none); its frontends join {@link #frontends()}. */
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
        return s;
    }

    @Override
    public ServerRuntime removeServer(BackendRuntime backend, String server) {
        ServerRuntime s = RuntimeView.super.removeServer(backend, server);
        if (s != null) {
            membership.serverRemoved(backend, s);
        }
        return s;
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
        List<String> changes = apply(plan, next);
        config = next;
        version++;
        loadedAt = Instant.now();
        LOG.log(System.Logger.Level.INFO, "reload " + version + " applied: "
                + (changes.isEmpty() ? "no change" : String.join("; ", changes)));
        return new ReloadResult(true, version, List.of(), changes);
    }

    /** Applies what can change at run time; describes the rest as "needs restart". */
    private List<String> apply(ConfigDiff.Plan plan, L4Config next) {
        List<String> out0 = new ArrayList<>();
        Map<String, BackendRuntime> nextBackends = new LinkedHashMap<>();
        for (String n : order) {
            nextBackends.put(n, backends.get(n));
        }
        List<String> restart = new ArrayList<>();
        for (String name : plan.backendsAdded()) {
            BackendConfig bc = next.backends().get(name);
            if (bc.forward() != ForwardStyle.PROXY || bc.mode() != ProxyMode.TCP) {
                continue;
            }
            List<ServerRuntime> servers = new ArrayList<>();
            bc.servers().forEach(sc -> servers.add(newServer(sc)));
            BackendRuntime added = new BackendRuntime(bc, servers);
            nextBackends.put(name, added);
            servers.forEach(s -> membership.serverAdded(added, s));
            out0.add("backend " + name + " added");
        }
        for (String name : plan.backendsRemoved()) {
            BackendRuntime removed = nextBackends.remove(name);
            if (removed != null) {
                removed.servers().forEach(s -> membership.serverRemoved(removed, s));
                out0.add("backend " + name + " removed");
            }
        }
        // Frontends: close the removed and changed ones (live connections continue), bind the new.
        List<String> closeNames = new ArrayList<>(plan.frontendsRemoved());
        closeNames.addAll(plan.frontendsChanged());
        for (String name : closeNames) {
            if (runtime.engine().removeFrontend(name)) {
                out0.add("frontend " + name + " listeners closed (live connections continue)");
            }
        }
        List<String> bindNames = new ArrayList<>(plan.frontendsChanged());
        bindNames.addAll(plan.frontendsAdded());
        for (String name : bindNames) {
            FrontendConfig fc = next.frontends().get(name);
            if (fc.mode() == ProxyMode.HTTP) {
                restart.add("stats listener " + name); // bound by the admin plane at start only
                continue;
            }
            if (fc.binds().isEmpty()
                    || fc.defaultBackend() != null && !nextBackends.containsKey(fc.defaultBackend())) {
                continue;
            }
            try {
                runtime.engine().addFrontendLive(fc, nextBackends);
                out0.add("frontend " + name + " listening");
            } catch (IllegalStateException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.ERROR, "reload: frontend " + name + ": " + e.getMessage());
                out0.add("frontend " + name + " NOT listening: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out0.add("frontend " + name + " NOT listening: interrupted");
            }
        }
        backends = Map.copyOf(nextBackends);
        order = List.copyOf(nextBackends.keySet());
        List<String> out = new ArrayList<>(out0);
        for (ConfigDiff.ServerChange c : plan.servers()) {
            BackendRuntime be = nextBackends.get(c.backend());
            if (be == null) {
                continue;
            }
            String what = "server " + c.backend() + "/" + c.server();
            switch (c.kind()) {
                case ADDED -> {
                    ServerRuntime s = newServer(c.config());
                    if (be.addServer(s)) {
                        membership.serverAdded(be, s);
                    }
                    out.add(what + " added");
                }
                case REMOVED -> {
                    ServerRuntime s = be.removeServer(c.server());
                    if (s != null) {
                        membership.serverRemoved(be, s);
                    }
                    out.add(what + " removed (live connections end on their own)");
                }
                case WEIGHT -> {
                    ServerRuntime s = be.server(c.server());
                    if (s != null) {
                        be.setWeight(s, c.config().options().weight());
                    }
                    out.add(what + " weight " + c.config().options().weight());
                }
                case CHANGED -> {
                    ServerRuntime old = be.removeServer(c.server());
                    if (old != null) {
                        membership.serverRemoved(be, old);
                    }
                    ServerRuntime s = newServer(c.config());
                    if (be.addServer(s)) {
                        membership.serverAdded(be, s);
                    }
                    out.add(what + " changed (new settings, counters restart)");
                }
            }
        }
        plan.backendsChanged().forEach(b -> restart.add("backend " + b + " settings changed"));
        if (plan.globalChanged()) {
            restart.add("global section changed");
        }
        if (plan.adminChanged()) {
            restart.add("admin section changed");
        }
        for (String r : restart) {
            out.add(r + ": not applied, needs a restart");
        }
        return out;
    }

    private ServerRuntime newServer(ServerConfig s) {
        return new ServerRuntime(s, resolver.resolve(s));
    }
}
