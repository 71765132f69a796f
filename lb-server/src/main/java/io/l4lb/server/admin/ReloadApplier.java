package io.l4lb.server.admin;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ProxyMode;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.dataplane.proxy.ProxyEngine;
import io.l4lb.server.runtime.PacketWiring;
import io.l4lb.server.runtime.ProxyRuntime;
import io.l4lb.server.runtime.ServerAddressResolver;
import io.l4lb.server.runtime.ServerMembershipListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a {@link ConfigDiff.Plan} to the running process, in place, the way an HAProxy user
 * expects after {@code systemctl reload} but without losing state: backends and servers keep
 * their runtime objects (health, counters) unless their own settings changed; new connections use
 * the new settings at once, live ones finish under the settings they started with. What cannot
 * change while running is listed in {@link Result#restart} with the exact settings, never dropped.
 * Control plane only; {@link ProcessRuntimeView} serialises reloads.
 */
final class ReloadApplier {
    /** Global settings a running process applies at once; the others need a restart. */
    private static final Set<String> GLOBAL_IN_PLACE = Set.of("maxconn", "hard-stop-after");
    /** Backend settings that change what runs where (proxy vs packet plane): restart. */
    private static final Set<String> BACKEND_STRUCTURE = Set.of("forward", "mode");
    private static final Set<String> BACKEND_CHECKS = Set.of("health check method (option httpchk/tcp-check/...)",
            "timeout check");

    /** {@code backends} in declaration order; {@code applied}/{@code restart} one line each. */
    record Result(Map<String, BackendRuntime> backends, List<String> applied, List<String> restart) {
    }

    private final ProxyRuntime runtime;
    private final ServerAddressResolver resolver;
    private final ServerMembershipListener membership;
    private final PacketWiring packet;

    ReloadApplier(ProxyRuntime runtime, ServerAddressResolver resolver, ServerMembershipListener membership,
                  PacketWiring packet) {
        this.runtime = runtime;
        this.resolver = resolver;
        this.membership = membership;
        this.packet = packet;
    }

    Result apply(ConfigDiff.Plan plan, L4Config old, L4Config next, Map<String, BackendRuntime> current) {
        Map<String, BackendRuntime> backends = new LinkedHashMap<>(current);
        List<String> out = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        backendsAddedAndRemoved(plan, next, backends, out);
        servers(plan, backends, out);
        backendSettings(plan, next, backends, out, restart);
        frontends(plan, old, next, backends, out, restart);
        global(plan, next, out, restart);
        if (plan.adminChanged()) {
            restart.add("admin section: " + String.join(", ", plan.adminSettings()) + " (the admin listener is bound at start)");
        }
        plan.vrrpChanges().forEach(v -> restart.add(v + " (VRRP instances are started once)"));
        packets(plan, next, backends, out, restart);
        return new Result(backends, out, restart);
    }

    private void backendsAddedAndRemoved(ConfigDiff.Plan plan, L4Config next, Map<String, BackendRuntime> backends,
                                         List<String> out) {
        for (String name : plan.backendsAdded()) {
            BackendConfig bc = next.backends().get(name);
            if (bc.mode() != ProxyMode.TCP) {
                continue; // the backend half of a stats listen section: nothing to run
            }
            List<ServerRuntime> servers = new ArrayList<>();
            bc.servers().forEach(sc -> servers.add(newServer(sc)));
            BackendRuntime added = new BackendRuntime(bc, servers);
            backends.put(name, added);
            servers.forEach(s -> membership.serverAdded(added, s));
            out.add("backend " + name + " added");
        }
        for (String name : plan.backendsRemoved()) {
            BackendRuntime removed = backends.remove(name);
            if (removed != null) {
                removed.servers().forEach(s -> membership.serverRemoved(removed, s));
                out.add("backend " + name + " removed");
            }
        }
    }

    private void servers(ConfigDiff.Plan plan, Map<String, BackendRuntime> backends, List<String> out) {
        for (ConfigDiff.ServerChange c : plan.servers()) {
            BackendRuntime be = backends.get(c.backend());
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
                    ServerRuntime old = be.server(c.server());
                    if (old != null && sameTarget(old.config(), c.config())) {
                        // Same real server, new settings (maxconn, check, a default-server line...):
                        // health state, counters and operator state carry over, same list position.
                        ServerRuntime s = new ServerRuntime(c.config(), resolver.resolve(c.config()), old);
                        be.replaceServer(s);
                        membership.serverReplaced(be, old, s);
                        out.add(what + " changed in place (new settings; health state and counters kept)");
                        continue;
                    }
                    // Another address: another real server, its state starts afresh (same list position).
                    ServerRuntime s = newServer(c.config());
                    if (old != null && be.replaceServer(s) != null) {
                        membership.serverRemoved(be, old);
                        membership.serverAdded(be, s);
                    } else if (be.addServer(s)) {
                        membership.serverAdded(be, s);
                    }
                    out.add(what + " changed (new address: a new server, counters restart)");
                }
            }
        }
    }

    /** Backend-level settings: a new scheduler over the same servers, new contexts for new connections. */
    private void backendSettings(ConfigDiff.Plan plan, L4Config next, Map<String, BackendRuntime> backends,
                                 List<String> out, List<String> restart) {
        for (String name : plan.backendsChanged()) {
            BackendRuntime be = backends.get(name);
            List<String> what = plan.backendSettings().getOrDefault(name, List.of());
            if (be == null) {
                continue;
            }
            List<String> structural = what.stream().filter(BACKEND_STRUCTURE::contains).toList();
            if (!structural.isEmpty()) {
                restart.add("backend " + name + ": " + String.join(", ", what)
                        + " (" + String.join(", ", structural) + " moves it between the proxy and the packet plane)");
                continue;
            }
            try {
                be.reconfigure(next.backends().get(name));
            } catch (IllegalArgumentException e) {
                restart.add("backend " + name + ": " + e.getMessage());
                continue;
            }
            runtime.engine().reconfigureBackend(be);
            if (what.stream().anyMatch(BACKEND_CHECKS::contains)) {
                membership.checkSettingsChanged(be);
            }
            out.add("backend " + name + " settings applied in place: " + String.join(", ", what));
        }
    }

    private void frontends(ConfigDiff.Plan plan, L4Config old, L4Config next, Map<String, BackendRuntime> backends,
                           List<String> out, List<String> restart) {
        ProxyEngine engine = runtime.engine();
        Map<String, BackendRuntime> proxyBackends = new LinkedHashMap<>();
        backends.forEach((n, b) -> {
            if (b.config().forward() == ForwardStyle.PROXY) {
                proxyBackends.put(n, b);
            }
        });
        for (String name : plan.frontendsRemoved()) {
            if (engine.removeFrontend(name)) {
                out.add("frontend " + name + " listeners closed (live connections continue)");
            } else if (old.frontends().get(name).mode() == ProxyMode.HTTP) {
                // http (stats) listeners belong to the admin plane, bound at start only
                restart.add("stats listener " + name + " removed: still served until a restart");
            }
        }
        List<String> touched = new ArrayList<>(plan.frontendsChanged());
        touched.addAll(plan.frontendsAdded());
        for (String name : touched) {
            FrontendConfig fc = next.frontends().get(name);
            if (fc.mode() == ProxyMode.HTTP) {
                restart.add("stats listener " + name + (plan.frontendsAdded().contains(name) ? " added" : " changed: "
                        + String.join(", ", plan.frontendSettings().getOrDefault(name, List.of())))
                        + " (stats listeners are bound at start)");
                continue;
            }
            boolean running = engine.counters(name) != null;
            boolean proxy = ProxyRuntime.servedByProxy(fc, next);
            try {
                if (running && proxy && ConfigDiff.inPlace(plan, fc)) {
                    engine.updateFrontend(fc, proxyBackends);
                    out.add("frontend " + name + " settings applied in place: "
                            + String.join(", ", plan.frontendSettings().getOrDefault(name, List.of())));
                    continue;
                }
                if (running && engine.removeFrontend(name)) {
                    out.add("frontend " + name + " listeners closed (live connections continue)");
                }
                if (proxy) {
                    engine.addFrontendLive(fc, proxyBackends);
                    out.add("frontend " + name + " listening");
                }
            } catch (IllegalStateException | IllegalArgumentException e) {
                System.getLogger(ReloadApplier.class.getName()).log(System.Logger.Level.ERROR,
                        "reload: frontend " + name + ": " + e.getMessage());
                out.add("frontend " + name + " NOT applied: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.add("frontend " + name + " NOT listening: interrupted");
            }
        }
    }

    private void global(ConfigDiff.Plan plan, L4Config next, List<String> out, List<String> restart) {
        if (!plan.globalChanged()) {
            return;
        }
        List<String> applied = new ArrayList<>();
        List<String> later = new ArrayList<>();
        for (String s : plan.globalSettings()) {
            switch (s) {
                case "maxconn" -> {
                    runtime.engine().setGlobalMaxconn(next.global().maxconn());
                    applied.add("maxconn " + next.global().maxconn());
                }
                case "hard-stop-after" -> {
                    runtime.setHardStopAfter(next.global().hardStopAfter());
                    applied.add("hard-stop-after");
                }
                default -> later.add(s);
            }
        }
        if (!applied.isEmpty()) {
            out.add("global settings applied in place: " + String.join(", ", applied));
        }
        if (!later.isEmpty()) {
            restart.add("global: " + String.join(", ", later)
                    + " (event loops, transport and check spreading are set at start)");
        }
    }

    private void packets(ConfigDiff.Plan plan, L4Config next, Map<String, BackendRuntime> backends,
                         List<String> out, List<String> restart) {
        boolean touched = !plan.frontendsAdded().isEmpty() || !plan.frontendsRemoved().isEmpty()
                || !plan.frontendsChanged().isEmpty() || !plan.backendsAdded().isEmpty()
                || !plan.backendsRemoved().isEmpty() || !plan.backendsChanged().isEmpty() || !plan.servers().isEmpty();
        if (!touched) {
            return;
        }
        try {
            if (packet != null) {
                out.addAll(packet.reload(next, backends));
            } else if (!PacketWiring.services(next, backends).isEmpty()) {
                restart.add("forward dr/tunnel services: the packet plane was not started (no such service at start)");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            restart.add("packet services NOT applied: " + e.getMessage());
        }
    }

    /** Same host and port: the same real server, whatever else changed. */
    private static boolean sameTarget(ServerConfig a, ServerConfig b) {
        return a.host().equals(b.host()) && a.port() == b.port();
    }

    private ServerRuntime newServer(ServerConfig s) {
        return new ServerRuntime(s, resolver.resolve(s));
    }
}
