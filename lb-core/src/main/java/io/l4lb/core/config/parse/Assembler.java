package io.l4lb.core.config.parse;

import io.l4lb.core.config.AdminConfig;
import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.BackendRule;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ProxyMode;
import io.l4lb.core.config.ResolversConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.SourcePos;
import io.l4lb.core.config.VrrpConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Second pass over everything read: builds the immutable records and checks what spans
 * sections (routing targets, resolvers names, one listener per address, DR/tunnel limits,
 * VRRP tracking), adding HAProxy-like warnings (missing timeouts, http proxies forwarded as tcp).
 */
final class Assembler {
    private final ConfigLoader in;
    private final Diagnostics diag;

    Assembler(ConfigLoader in) {
        this.in = in;
        this.diag = in.diag;
    }

    L4Config assemble(String source) {
        Map<String, FrontendConfig> frontends = new LinkedHashMap<>();
        Map<String, BackendConfig> backends = new LinkedHashMap<>();
        List<ProxyBuilder> frontendBuilders = new ArrayList<>();
        for (ProxyBuilder p : in.proxies) {
            proxyWarnings(p);
            boolean ownBackend = p.kind == ProxyBuilder.Kind.BACKEND || (p.kind == ProxyBuilder.Kind.LISTEN && !p.statsOnly());
            if (ownBackend) {
                backends.put(p.name, backend(p));
            }
            if (p.isFrontend()) {
                String def = p.defaultBackend != null ? p.defaultBackend : ownBackend ? p.name : null;
                frontends.put(p.name, frontend(p, def));
                frontendBuilders.add(p);
            }
        }
        for (ProxyBuilder p : frontendBuilders) {
            if (p.defaultBackend != null && !backends.containsKey(p.defaultBackend)) {
                unknownBackend(p.defaultBackendPos, "default_backend", p.defaultBackend, backends);
            }
            for (BackendRule r : p.useBackend) {
                if (!backends.containsKey(r.backend())) {
                    unknownBackend(r.pos(), "use_backend", r.backend(), backends);
                }
            }
        }
        checkListeners(frontends);
        checkResolvers(backends);
        checkForwarding(frontends, backends);
        Map<String, ResolversConfig> resolvers = new LinkedHashMap<>();
        in.resolvers.forEach((k, v) -> resolvers.put(k, v.build()));
        List<VrrpConfig> vrrp = vrrp(backends);
        AdminConfig admin = admin();
        return new L4Config(source, in.global.build(), frontends, backends, vrrp, admin, diag.warnings(), resolvers);
    }

    private FrontendConfig frontend(ProxyBuilder p, String defaultBackend) {
        return new FrontendConfig(p.name, p.mode, p.binds, p.maxconn, p.backlog, p.timeouts, defaultBackend,
                p.useBackend, p.acls, p.tcpRules, p.inspectDelay, p.cliTcpKa,
                p.mode == ProxyMode.HTTP ? p.stats.build() : null, p.pos);
    }

    private BackendConfig backend(ProxyBuilder p) {
        return new BackendConfig(p.name, p.mode, p.forward, p.balance, p.persist, p.servers, p.timeouts, p.retries,
                p.redispatch, p.allBackups, p.srvTcpKa, p.usesrcClientIp, p.buildCheck(), p.fullconn, p.pos);
    }

    private void proxyWarnings(ProxyBuilder p) {
        String what = p.kind.word() + " '" + p.name + "'";
        boolean statsOnly = p.statsOnly();
        if (p.mode == ProxyMode.HTTP && !statsOnly) {
            diag.warn(p.pos, p.kind.word(), what + " is in mode http: l4lb forwards it as tcp (layer 4), "
                    + "HTTP processing does not happen");
        }
        if (p.isFrontend() && p.binds.isEmpty()) {
            diag.warn(p.pos, p.kind.word(), what + " has no 'bind' directive and listens nowhere"
                    + (p.kind == ProxyBuilder.Kind.LISTEN ? " (declare it as a backend if this was intended)" : ""));
        }
        if (p.kind == ProxyBuilder.Kind.FRONTEND && !statsOnly && p.defaultBackend == null && p.useBackend.isEmpty()) {
            diag.warn(p.pos, "frontend", what + " has no default_backend or use_backend: its connections are closed");
        }
        if (!statsOnly) {
            List<String> missing = new ArrayList<>();
            if (p.isFrontend() && p.timeouts.client() == null) {
                missing.add("client");
            }
            if (p.isBackend() && p.timeouts.connect() == null) {
                missing.add("connect");
            }
            if (p.isBackend() && p.timeouts.server() == null) {
                missing.add("server");
            }
            if (!missing.isEmpty()) {
                diag.warn(p.pos, p.kind.word(), "missing timeouts for " + what + ": set 'timeout "
                        + String.join("', 'timeout ", missing) + "' (idle connections are otherwise kept forever)");
            }
        }
        if (p.ownTcpSteps && p.checkType != io.l4lb.core.config.HealthCheckConfig.Type.TCP_CHECK) {
            diag.warn(p.pos, "tcp-check", "tcp-check rules of " + what + " are ignored without 'option tcp-check'");
        }
    }

    private void unknownBackend(SourcePos pos, String kw, String name, Map<String, BackendConfig> backends) {
        diag.error(pos, kw, "unknown backend '" + name + "'" + Suggest.didYouMean(name, backends.keySet())
                + " " + Suggest.expected(backends.keySet()));
    }

    /** Two listeners on one address:port cannot both bind (SO_REUSEPORT aside, which l4lb uses per event loop only). */
    private void checkListeners(Map<String, FrontendConfig> frontends) {
        record Seen(String owner, BindConfig bind) {}
        List<Seen> seen = new ArrayList<>();
        List<Seen> all = new ArrayList<>();
        frontends.values().forEach(f -> f.binds().forEach(b -> all.add(new Seen("frontend '" + f.name() + "'", b))));
        if (in.admin != null) {
            in.admin.binds.forEach(b -> all.add(new Seen("the admin section", b)));
        }
        for (Seen s : all) {
            if (s.bind().portLow() == 0) {
                continue; // ephemeral: the kernel picks distinct ports
            }
            for (Seen o : seen) {
                if (host(o.bind().host()).equals(host(s.bind().host())) && s.bind().portLow() <= o.bind().portHigh()
                        && o.bind().portLow() <= s.bind().portHigh()) {
                    diag.error(s.bind().pos(), "bind", "address " + show(s.bind()) + " is already bound by " + o.owner()
                            + " at " + o.bind().pos() + " (expected: one listener per address and port)");
                    break;
                }
            }
            seen.add(s);
        }
    }

    private static String host(String h) {
        return h == null ? "0.0.0.0" : h.toLowerCase();
    }

    private static String show(BindConfig b) {
        String h = b.host() == null ? "*" : b.host().contains(":") ? "[" + b.host() + "]" : b.host();
        return h + ":" + b.portLow() + (b.portHigh() != b.portLow() ? "-" + b.portHigh() : "");
    }

    private void checkResolvers(Map<String, BackendConfig> backends) {
        for (BackendConfig b : backends.values()) {
            for (ServerConfig s : b.servers()) {
                String r = s.options().resolvers();
                if (r != null && !in.resolvers.containsKey(r)) {
                    diag.error(s.pos(), "resolvers", "server '" + s.name() + "' names unknown resolvers section '" + r + "'"
                            + Suggest.didYouMean(r, in.resolvers.keySet()) + " " + Suggest.expected(in.resolvers.keySet()));
                }
            }
        }
    }

    /**
     * DR rewrites only the destination MAC and tunnel only wraps the packet: neither can change
     * the destination port nor add a PROXY header (LVS DR/TUN have the same limits).
     */
    private void checkForwarding(Map<String, FrontendConfig> frontends, Map<String, BackendConfig> backends) {
        for (BackendConfig b : backends.values()) {
            if (b.forward() == ForwardStyle.PROXY) {
                continue;
            }
            String style = "forward " + b.forward().name().toLowerCase();
            for (ServerConfig s : b.servers()) {
                if (s.options().sendProxy() != ServerConfig.ProxyProtocol.NONE) {
                    diag.error(s.pos(), "server", "send-proxy needs forward proxy: with " + style
                            + " l4lb does not terminate the connection (expected: no send-proxy)");
                }
                for (FrontendConfig f : frontends.values()) {
                    boolean routes = b.name().equals(f.defaultBackend())
                            || f.useBackend().stream().anyMatch(r -> r.backend().equals(b.name()));
                    for (BindConfig bind : f.binds()) {
                        if (routes && s.port() != 0 && (bind.portLow() != s.port() || bind.portHigh() != s.port())) {
                            diag.error(s.pos(), "server", style + " cannot change the destination port: server port "
                                    + s.port() + " differs from the listener port of frontend '" + f.name()
                                    + "' (expected: no port, or the same port)");
                        }
                    }
                }
            }
        }
    }

    private List<VrrpConfig> vrrp(Map<String, BackendConfig> backends) {
        List<VrrpConfig> out = new ArrayList<>();
        Map<String, ExtraSections.Vrrp> byKey = new LinkedHashMap<>();
        Map<String, ExtraSections.Vrrp> byName = new LinkedHashMap<>();
        for (ExtraSections.Vrrp v : in.vrrps) {
            if (byName.putIfAbsent(v.name, v) != null) {
                diag.error(v.pos, "vrrp", "duplicate vrrp section '" + v.name + "' (first at " + byName.get(v.name).pos + ")");
            }
            if (v.iface == null) {
                diag.error(v.pos, "vrrp", "section '" + v.name + "' has no interface (expected: interface NAME)");
            }
            if (v.vrid == 0) {
                diag.error(v.pos, "vrrp", "section '" + v.name + "' has no virtual-router-id (expected: virtual-router-id 1..255)");
            }
            if (v.vips.isEmpty()) {
                diag.error(v.pos, "vrrp", "section '" + v.name + "' has no virtual-ipaddress (expected: virtual-ipaddress IP[/PREFIX])");
            }
            ExtraSections.Vrrp other = byKey.putIfAbsent(v.iface + "/" + v.vrid, v);
            if (other != null && v.iface != null && v.vrid != 0) {
                diag.error(v.pos, "vrrp", "virtual-router-id " + v.vrid + " on " + v.iface + " is already used by vrrp '"
                        + other.name + "' (expected: a unique id per interface)");
            }
            if (!v.preempt && !v.preemptDelay.isZero()) {
                diag.warn(v.pos, "preempt-delay", "ignored: section '" + v.name + "' has nopreempt");
            }
            for (int i = 0; i < v.tracks.size(); i++) {
                String b = v.tracks.get(i).backend();
                if (!backends.containsKey(b)) {
                    unknownBackend(v.trackPos.get(i), "track-backend", b, backends);
                }
            }
            out.add(v.build());
        }
        return out;
    }

    private AdminConfig admin() {
        ExtraSections.Admin a = in.admin;
        if (a == null) {
            return null;
        }
        if (a.binds.isEmpty()) {
            diag.error(a.pos, "admin", "the admin section has no bind (expected: bind ADDR:PORT)");
        }
        boolean onlyLoopback = a.binds.stream().allMatch(b -> b.host() != null
                && (b.host().startsWith("127.") || b.host().equals("::1") || b.host().equals("localhost")));
        if (a.tokenFile == null && !onlyLoopback) {
            diag.error(a.pos, "admin", "an admin API reachable from the network needs a token "
                    + "(expected: token-file PATH, or bind to 127.0.0.1 only)");
        } else if (a.tokenFile == null) {
            diag.warn(a.pos, "admin", "no token-file: anyone on this host can use the admin API");
        }
        return a.build();
    }
}
