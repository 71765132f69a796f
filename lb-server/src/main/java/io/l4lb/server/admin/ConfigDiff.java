package io.l4lb.server.admin;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ServerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        /** Another setting changed (address, port, check...): the server takes the new settings. */
        CHANGED
    }

    public record ServerChange(String backend, String server, ServerChangeKind kind, ServerConfig config) {
    }

    /** The plan. Lists keep the new file's order (removed items: the old file's order). */
    public record Plan(List<String> frontendsAdded, List<String> frontendsRemoved, List<String> frontendsChanged,
                       List<String> backendsAdded, List<String> backendsRemoved, List<String> backendsChanged,
                       List<ServerChange> servers, boolean globalChanged, boolean adminChanged, boolean vrrpChanged) {
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
            frontendsChanged.forEach(f -> out.add("frontend " + f + " changed"));
            backendsAdded.forEach(b -> out.add("backend " + b + " added"));
            backendsRemoved.forEach(b -> out.add("backend " + b + " removed"));
            backendsChanged.forEach(b -> out.add("backend " + b + " settings changed"));
            for (ServerChange s : servers) {
                out.add("server " + s.backend() + "/" + s.server() + " "
                        + s.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + (s.kind() == ServerChangeKind.WEIGHT ? " to " + s.config().options().weight() : ""));
            }
            if (globalChanged) {
                out.add("global section changed");
            }
            if (adminChanged) {
                out.add("admin section changed");
            }
            if (vrrpChanged) {
                out.add("vrrp instances changed");
            }
            return out;
        }
    }

    public static Plan diff(L4Config old, L4Config next) {
        List<String> feAdded = new ArrayList<>();
        List<String> feRemoved = new ArrayList<>();
        List<String> feChanged = new ArrayList<>();
        keyed(old.frontends(), next.frontends(), feAdded, feRemoved, feChanged);
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
            }
            servers(before, e.getValue(), servers);
        }
        for (String name : old.backends().keySet()) {
            if (!next.backends().containsKey(name)) {
                beRemoved.add(name);
            }
        }
        return new Plan(List.copyOf(feAdded), List.copyOf(feRemoved), List.copyOf(feChanged), List.copyOf(beAdded),
                List.copyOf(beRemoved), List.copyOf(beChanged), List.copyOf(servers),
                !SameIgnoringPos.equal(old.global(), next.global()),
                !SameIgnoringPos.equal(old.admin(), next.admin()),
                !SameIgnoringPos.equal(old.vrrp(), next.vrrp()));
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
