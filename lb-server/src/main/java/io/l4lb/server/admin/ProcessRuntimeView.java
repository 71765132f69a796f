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
import io.l4lb.server.runtime.ProxyRuntime;
import io.l4lb.server.runtime.ServerAddressResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
 * settings). Listener and backend-level changes are reported as needing a restart, because the
 * proxy engine binds its listeners once at start. Reloads are serialised.
 */
public final class ProcessRuntimeView implements RuntimeView {
    private static final System.Logger LOG = System.getLogger(ProcessRuntimeView.class.getName());
    private final Path file;
    private final ProxyRuntime runtime;
    private final ServerAddressResolver resolver;
    private volatile L4Config config;
    private volatile long version = 1;
    private volatile Instant loadedAt = Instant.now();

    public ProcessRuntimeView(Path file, L4Config config, ProxyRuntime runtime, ServerAddressResolver resolver) {
        this.file = file;
        this.config = config;
        this.runtime = runtime;
        this.resolver = resolver;
    }

    public L4Config currentConfig() {
        return config;
    }

    @Override
    public List<Frontend> frontends() {
        List<Frontend> out = new ArrayList<>();
        Map<String, FrontendCounters> counters = runtime.engine().allCounters();
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
        return List.copyOf(runtime.backends().values());
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
        List<String> changes = apply(plan);
        config = next;
        version++;
        loadedAt = Instant.now();
        LOG.log(System.Logger.Level.INFO, "reload " + version + " applied: "
                + (changes.isEmpty() ? "no change" : String.join("; ", changes)));
        return new ReloadResult(true, version, List.of(), changes);
    }

    /** Applies what can change at run time; describes the rest as "needs restart". */
    private List<String> apply(ConfigDiff.Plan plan) {
        List<String> out = new ArrayList<>();
        for (ConfigDiff.ServerChange c : plan.servers()) {
            BackendRuntime be = runtime.backends().get(c.backend());
            if (be == null) {
                continue;
            }
            String what = "server " + c.backend() + "/" + c.server();
            switch (c.kind()) {
                case ADDED -> {
                    be.addServer(newServer(c.config()));
                    out.add(what + " added");
                }
                case REMOVED -> {
                    be.removeServer(c.server());
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
                    be.removeServer(c.server());
                    be.addServer(newServer(c.config()));
                    out.add(what + " changed (new settings, counters restart)");
                }
            }
        }
        List<String> restart = new ArrayList<>();
        plan.frontendsAdded().forEach(f -> restart.add("frontend " + f + " added"));
        plan.frontendsRemoved().forEach(f -> restart.add("frontend " + f + " removed"));
        plan.frontendsChanged().forEach(f -> restart.add("frontend " + f + " changed"));
        plan.backendsAdded().forEach(b -> restart.add("backend " + b + " added"));
        plan.backendsRemoved().forEach(b -> restart.add("backend " + b + " removed"));
        plan.backendsChanged().forEach(b -> restart.add("backend " + b + " settings changed"));
        if (plan.globalChanged()) {
            restart.add("global section changed");
        }
        if (plan.adminChanged()) {
            restart.add("admin section changed");
        }
        for (String r : restart) {
            out.add(r + ": needs a restart (listeners are bound once at start)");
        }
        return out;
    }

    private ServerRuntime newServer(ServerConfig s) {
        return new ServerRuntime(s, resolver.resolve(s));
    }
}
