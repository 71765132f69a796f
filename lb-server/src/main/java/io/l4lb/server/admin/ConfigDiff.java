package io.l4lb.server.admin;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.VrrpConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pure difference between the running config and a newly parsed one (no I/O, no runtime
 * objects): which frontends and backends appeared, went away or changed, and, inside backends
 * present in both, which servers were added, removed, re-weighted or otherwise changed.
 * Source positions are ignored (see {@link SameIgnoringPos}). Applying the plan is the caller's job.
 */
public final class ConfigDiff {
    private ConfigDiff() {
    }

    /** What happens to one server of a backend present in both configs. */
    public enum ServerChangeKind {
        /** A new server: create its runtime state and add it. */
        ADDED,
        /** Gone from the file: stop picking it, let its connections end. */
        REMOVED,
        /** Only the weight changed: set it in place (health and counters kept). */
        WEIGHT,
        /**
         * Another setting changed (address, port, check...): the server takes the new settings; at
         * the same address it keeps its health state and counters (see {@link ReloadApplier}).
         */
        CHANGED
    }

    public record ServerChange(String backend, String server, ServerChangeKind kind, ServerConfig config) {
    }

    /** The settings of a frontend that live on its listening sockets: changing one means a re-bind. */
    static final Set<String> LISTENER_SETTINGS = Set.of("bind", "backlog", "option clitcpka", "mode", "stats");

    /**
     * The plan. Lists keep the new file's order (removed items: the old file's order).
     * {@code frontendsRebind}: the changed frontends whose listening side (binds, backlog,
     * clitcpka, mode, stats) changed; the other changed frontends can take their new settings in
     * place. The settings maps name what changed, per frontend/backend/vrrp instance, in config
     * keywords ({@link SettingNames}).
     */
    public record Plan(List<String> frontendsAdded, List<String> frontendsRemoved, List<String> frontendsChanged,
                       List<String> backendsAdded, List<String> backendsRemoved, List<String> backendsChanged,
                       List<ServerChange> servers, boolean globalChanged, boolean adminChanged, boolean vrrpChanged,
                       List<String> frontendsRebind, Map<String, List<String>> frontendSettings,
                       Map<String, List<String>> backendSettings, List<String> globalSettings,
                       List<String> adminSettings, List<String> vrrpChanges) {
        public boolean isEmpty() {
            return frontendsAdded.isEmpty() && frontendsRemoved.isEmpty() && frontendsChanged.isEmpty()
                    && backendsAdded.isEmpty() && backendsRemoved.isEmpty() && backendsChanged.isEmpty()
                    && servers.isEmpty() && !globalChanged && !adminChanged && !vrrpChanged;
        }

        /** One human-readable line per change, for the log and the API answer. */
        public List<String> describe() {
            List<String> out = new ArrayList<>();
            frontendsAdded.forEach(f -> out.add("frontend " + f + " added"));
            frontendsRemoved.forEach(f -> out.add("frontend " + f + " removed"));
            frontendsChanged.forEach(f -> out.add("frontend " + f + " changed: "
                    + String.join(", ", frontendSettings.getOrDefault(f, List.of()))));
            backendsAdded.forEach(b -> out.add("backend " + b + " added"));
            backendsRemoved.forEach(b -> out.add("backend " + b + " removed"));
            backendsChanged.forEach(b -> out.add("backend " + b + " settings changed: "
                    + String.join(", ", backendSettings.getOrDefault(b, List.of()))));
            for (ServerChange s : servers) {
                out.add("server " + s.backend() + "/" + s.server() + " "
                        + s.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + (s.kind() == ServerChangeKind.WEIGHT ? " to " + s.config().options().weight() : ""));
            }
            if (globalChanged) {
                out.add("global section changed: " + String.join(", ", globalSettings));
            }
            if (adminChanged) {
                out.add("admin section changed: " + String.join(", ", adminSettings));
            }
            out.addAll(vrrpChanges);
            return out;
        }
    }

    public static Plan diff(L4Config old, L4Config next) {
        List<String> feAdded = new ArrayList<>();
        List<String> feRemoved = new ArrayList<>();
        List<String> feChanged = new ArrayList<>();
        keyed(old.frontends(), next.frontends(), feAdded, feRemoved, feChanged);
        Map<String, List<String>> feSettings = new LinkedHashMap<>();
        List<String> feRebind = new ArrayList<>();
        for (String f : feChanged) {
            List<String> what = SettingNames.changed(old.frontends().get(f), next.frontends().get(f), Set.of("name"));
            feSettings.put(f, List.copyOf(what));
            if (what.stream().anyMatch(LISTENER_SETTINGS::contains)) {
                feRebind.add(f);
            }
        }
        Map<String, List<String>> beSettings = new LinkedHashMap<>();
        List<String> beAdded = new ArrayList<>();
        List<String> beRemoved = new ArrayList<>();
        List<String> beChanged = new ArrayList<>();
        List<ServerChange> servers = new ArrayList<>();
        for (Map.Entry<String, BackendConfig> e : next.backends().entrySet()) {
            BackendConfig before = old.backends().get(e.getKey());
            if (before == null) {
                beAdded.add(e.getKey());
                continue;
            }
            if (!SameIgnoringPos.equal(withoutServers(before), withoutServers(e.getValue()))) {
                beChanged.add(e.getKey());
                beSettings.put(e.getKey(), List.copyOf(SettingNames.changed(before, e.getValue(),
                        Set.of("name", "servers"))));
            }
            servers(before, e.getValue(), servers);
        }
        for (String name : old.backends().keySet()) {
            if (!next.backends().containsKey(name)) {
                beRemoved.add(name);
            }
        }
        List<String> global = SettingNames.changed(old.global(), next.global(), Set.of());
        List<String> admin = SettingNames.changed(old.admin(), next.admin(), Set.of());
        List<String> vrrp = vrrp(old.vrrp(), next.vrrp());
        return new Plan(List.copyOf(feAdded), List.copyOf(feRemoved), List.copyOf(feChanged), List.copyOf(beAdded),
                List.copyOf(beRemoved), List.copyOf(beChanged), List.copyOf(servers),
                !global.isEmpty(), !admin.isEmpty(), !vrrp.isEmpty(), List.copyOf(feRebind),
                java.util.Collections.unmodifiableMap(feSettings), java.util.Collections.unmodifiableMap(beSettings),
                List.copyOf(global), List.copyOf(admin), List.copyOf(vrrp));
    }

    /** One line per vrrp instance added, removed or changed (with the changed keywords). */
    private static List<String> vrrp(List<VrrpConfig> old, List<VrrpConfig> next) {
        Map<String, VrrpConfig> before = new LinkedHashMap<>();
        old.forEach(v -> before.put(v.name(), v));
        Map<String, VrrpConfig> after = new LinkedHashMap<>();
        next.forEach(v -> after.put(v.name(), v));
        List<String> out = new ArrayList<>();
        for (VrrpConfig v : next) {
            VrrpConfig b = before.get(v.name());
            if (b == null) {
                out.add("vrrp " + v.name() + " added");
            } else if (!SameIgnoringPos.equal(b, v)) {
                out.add("vrrp " + v.name() + " changed: " + String.join(", ", SettingNames.changed(b, v, Set.of("name"))));
            }
        }
        for (VrrpConfig v : old) {
            if (!after.containsKey(v.name())) {
                out.add("vrrp " + v.name() + " removed");
            }
        }
        return out;
    }

    /** True when {@code fe} changed only in settings that {@code ProxyEngine.updateFrontend} applies in place. */
    static boolean inPlace(Plan plan, FrontendConfig fe) {
        return plan.frontendsChanged().contains(fe.name()) && !plan.frontendsRebind().contains(fe.name());
    }

    private static <T> void keyed(Map<String, T> old, Map<String, T> next, List<String> added, List<String> removed,
                                  List<String> changed) {
        for (Map.Entry<String, T> e : next.entrySet()) {
            T before = old.get(e.getKey());
            if (before == null) {
                added.add(e.getKey());
            } else if (!SameIgnoringPos.equal(before, e.getValue())) {
                changed.add(e.getKey());
            }
        }
        for (String name : old.keySet()) {
            if (!next.containsKey(name)) {
                removed.add(name);
            }
        }
    }

    private static void servers(BackendConfig old, BackendConfig next, List<ServerChange> out) {
        Map<String, ServerConfig> before = new LinkedHashMap<>();
        old.servers().forEach(s -> before.put(s.name(), s));
        Map<String, ServerConfig> after = new LinkedHashMap<>();
        next.servers().forEach(s -> after.put(s.name(), s));
        for (ServerConfig s : next.servers()) {
            ServerConfig b = before.get(s.name());
            if (b == null) {
                out.add(new ServerChange(next.name(), s.name(), ServerChangeKind.ADDED, s));
            } else if (!SameIgnoringPos.equal(b, s)) {
                boolean weightOnly = SameIgnoringPos.equal(
                        b.withOptions(b.options().withWeight(s.options().weight())), s);
                out.add(new ServerChange(next.name(), s.name(),
                        weightOnly ? ServerChangeKind.WEIGHT : ServerChangeKind.CHANGED, s));
            }
        }
        for (ServerConfig s : old.servers()) {
            if (!after.containsKey(s.name())) {
                out.add(new ServerChange(old.name(), s.name(), ServerChangeKind.REMOVED, s));
            }
        }
    }

    private static BackendConfig withoutServers(BackendConfig b) {
        return new BackendConfig(b.name(), b.mode(), b.forward(), b.balance(), b.persist(), List.of(), b.timeouts(),
                b.retries(), b.redispatch(), b.allBackups(), b.srvTcpKa(), b.usesrcClientIp(), b.check(),
                b.fullconn(), b.pos());
    }
}
