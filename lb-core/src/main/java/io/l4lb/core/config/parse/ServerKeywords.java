package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.KeywordTable.BE;
import static io.l4lb.core.config.parse.KeywordTable.DEF_BE;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.ServerConfig.InitState;
import io.l4lb.core.config.ServerConfig.MarkedAction;
import io.l4lb.core.config.ServerConfig.OnError;
import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code server NAME ADDR[:PORT] [options]} and {@code default-server [options]}: one handler per
 * server option, registered in {@link #OPTIONS}. {@code ssl} (TLS to the server) is rejected:
 * l4lb never terminates or originates TLS on the data path.
 */
final class ServerKeywords {
    @FunctionalInterface
    private interface Opt {
        /** Applies the option at word {@code i}; returns the index of the last word consumed. */
        int apply(ParseContext c, ServerOptionsBuilder b, Line l, int i);
    }

    private static final Map<String, Opt> OPTIONS = new LinkedHashMap<>();

    static {
        flag("check", (c, b, l, i) -> set(() -> b.check = true, i));
        flag("no-check", (c, b, l, i) -> set(() -> b.check = false, i));
        flag("backup", (c, b, l, i) -> set(() -> b.backup = true, i));
        flag("no-backup", (c, b, l, i) -> set(() -> b.backup = false, i));
        flag("disabled", (c, b, l, i) -> set(() -> b.disabled = true, i));
        flag("enabled", (c, b, l, i) -> set(() -> b.disabled = false, i));
        flag("send-proxy", (c, b, l, i) -> set(() -> b.sendProxy = ProxyProtocol.V1, i));
        flag("send-proxy-v2", (c, b, l, i) -> set(() -> b.sendProxy = ProxyProtocol.V2, i));
        flag("no-send-proxy", (c, b, l, i) -> set(() -> b.sendProxy = ProxyProtocol.NONE, i));
        OPTIONS.put("send-proxy-v2-ssl", ServerKeywords::proxyV2Ssl);
        OPTIONS.put("send-proxy-v2-ssl-cn", ServerKeywords::proxyV2Ssl);
        flag("check-ssl", (c, b, l, i) -> set(() -> b.checkSsl = true, i));
        flag("no-check-ssl", (c, b, l, i) -> set(() -> b.checkSsl = false, i));
        flag("agent-check", (c, b, l, i) -> set(() -> b.agentCheck = true, i));
        flag("no-agent-check", (c, b, l, i) -> set(() -> b.agentCheck = false, i));
        OPTIONS.put("inter", (c, b, l, i) -> set(() -> b.inter = positive(l, i + 1, "inter"), i + 1));
        OPTIONS.put("fastinter", (c, b, l, i) -> set(() -> b.fastinter = positive(l, i + 1, "fastinter"), i + 1));
        OPTIONS.put("downinter", (c, b, l, i) -> set(() -> b.downinter = positive(l, i + 1, "downinter"), i + 1));
        OPTIONS.put("rise", (c, b, l, i) -> set(() -> b.rise = Values.integer(l, i + 1, "rise", 1, 1_000_000), i + 1));
        OPTIONS.put("fall", (c, b, l, i) -> set(() -> b.fall = Values.integer(l, i + 1, "fall", 1, 1_000_000), i + 1));
        OPTIONS.put("weight", (c, b, l, i) -> set(() -> b.weight = Values.integer(l, i + 1, "weight", 0, 256), i + 1));
        OPTIONS.put("maxconn", (c, b, l, i) -> set(() -> b.maxconn = Values.integer(l, i + 1, "maxconn", 0, Integer.MAX_VALUE), i + 1));
        OPTIONS.put("maxqueue", (c, b, l, i) -> set(() -> b.maxqueue = Values.integer(l, i + 1, "maxqueue", 0, Integer.MAX_VALUE), i + 1));
        OPTIONS.put("slowstart", (c, b, l, i) -> set(() -> b.slowstart = Values.duration(l, i + 1, "slowstart"), i + 1));
        OPTIONS.put("port", (c, b, l, i) -> set(() -> b.checkPort = Values.integer(l, i + 1, "check port", 1, 65535), i + 1));
        OPTIONS.put("addr", (c, b, l, i) -> set(() -> b.checkAddr = ipLiteral(l, i + 1, "check address"), i + 1));
        OPTIONS.put("init-state", (c, b, l, i) -> set(() -> b.initState = InitState.valueOf(Values.oneOf(l, i + 1,
                "init-state", List.of("up", "down", "fully-up", "fully-down")).toUpperCase().replace('-', '_')), i + 1));
        OPTIONS.put("init-addr", ServerKeywords::initAddr);
        OPTIONS.put("verify", (c, b, l, i) -> set(() -> b.verifyRequired =
                Values.oneOf(l, i + 1, "verify mode", List.of("none", "required")).equals("required"), i + 1));
        OPTIONS.put("ca-file", (c, b, l, i) -> set(() -> b.caFile = Values.need(l, i + 1, "CA file"), i + 1));
        OPTIONS.put("check-sni", (c, b, l, i) -> set(() -> b.sni = Values.need(l, i + 1, "check SNI"), i + 1));
        // Without 'ssl' on the data path, 'sni' can only matter to TLS health checks: same field.
        OPTIONS.put("sni", (c, b, l, i) -> set(() -> b.sni = Values.need(l, i + 1, "SNI"), i + 1));
        OPTIONS.put("on-marked-down", (c, b, l, i) -> set(() -> b.onMarkedDown = marked(l, i + 1,
                List.of("shutdown-sessions")), i + 1));
        OPTIONS.put("on-marked-up", (c, b, l, i) -> set(() -> b.onMarkedUp = marked(l, i + 1,
                List.of("shutdown-backup-sessions")), i + 1));
        OPTIONS.put("observe", ServerKeywords::observe);
        OPTIONS.put("error-limit", (c, b, l, i) -> set(() -> b.errorLimit = Values.integer(l, i + 1, "error-limit", 1, 1_000_000), i + 1));
        OPTIONS.put("on-error", (c, b, l, i) -> set(() -> b.onError = OnError.valueOf(Values.oneOf(l, i + 1, "on-error action",
                List.of("fastinter", "fail-check", "sudden-death", "mark-down")).toUpperCase().replace('-', '_')), i + 1));
        OPTIONS.put("agent-port", (c, b, l, i) -> set(() -> b.agentPort = Values.integer(l, i + 1, "agent-port", 1, 65535), i + 1));
        OPTIONS.put("agent-inter", (c, b, l, i) -> set(() -> b.agentInter = positive(l, i + 1, "agent-inter"), i + 1));
        OPTIONS.put("agent-addr", (c, b, l, i) -> set(() -> b.agentAddr = Values.need(l, i + 1, "agent address"), i + 1));
        OPTIONS.put("resolvers", (c, b, l, i) -> set(() -> b.resolvers = Values.need(l, i + 1, "resolvers section name"), i + 1));
        OPTIONS.put("resolve-prefer", (c, b, l, i) -> set(() -> b.resolvePrefer = Values.oneOf(l, i + 1, "address family",
                List.of("ipv4", "ipv6")), i + 1));
        for (String v : List.of("id", "cookie", "crt", "minconn", "resolve-net", "resolve-opts", "agent-send",
                "track", "pool-max-conn", "pool-purge-delay", "pool-low-conn", "max-reuse", "proto", "alpn",
                "check-alpn", "check-proto", "ciphers", "ciphersuites", "namespace", "redir", "source", "tcp-ut",
                "usesrc", "log-proto", "socks4", "check-via-socks4", "ws", "shard")) {
            OPTIONS.put(v, (c, b, l, i) -> {
                Values.need(l, i + 1, v + " value");
                c.ignored(l, "server " + v, "server option '" + v + "' is accepted and not applied by l4lb");
                return i + 1;
            });
        }
        for (String f : List.of("tfo", "non-stick", "stick", "no-verifyhost", "check-send-proxy", "no-tfo",
                "force-tlsv12", "force-tlsv13", "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tls-tickets", "allow-0rtt",
                "no-ssl", "ssl-reuse", "no-ssl-reuse", "tls-tickets")) {
            flag(f, (c, b, l, i) -> {
                c.ignored(l, "server " + f, "server option '" + f + "' is accepted and not applied by l4lb");
                return i;
            });
        }
        OPTIONS.put("ssl", (c, b, l, i) -> {
            throw new BadValue(i, "'ssl' (TLS to the server) is not supported: l4lb passes the client's TLS "
                    + "through untouched (expected: no 'ssl'; 'check-ssl' is fine for health checks)");
        });
    }

    private ServerKeywords() {
    }

    /** Every server option l4lb understands (supported, ignored with a warning, or rejected with a reason). */
    static java.util.Set<String> optionNames() {
        return java.util.Collections.unmodifiableSet(OPTIONS.keySet());
    }

    static void register(KeywordTable<ProxyBuilder> t) {
        t.add("server", BE, ServerKeywords::server);
        t.add("default-server", DEF_BE, (c, p, l) -> options(c, p.defaultServer, l, 1));
        t.add("server-template", BE, (c, p, l) -> {
            throw new BadValue(0, "server-template is not supported (expected: one server line per server)");
        });
    }

    private static void server(ParseContext c, ProxyBuilder p, Line l) {
        String name = Values.need(l, 1, "server name");
        String addr = Values.need(l, 2, "server address");
        Addresses.HostPort hp = Addresses.server(addr, 2);
        ServerOptionsBuilder b = p.defaultServer.copy();
        options(c, b, l, 3);
        if (b.agentCheck && b.agentPort == 0) {
            throw new BadValue(0, "'agent-check' needs 'agent-port N' (expected: agent-check agent-port N)");
        }
        for (ServerConfig s : p.servers) {
            if (s.name().equals(name)) {
                throw new BadValue(1, "duplicate server name '" + name + "' in " + p.kind.word() + " '" + p.name
                        + "' (first defined at " + s.pos() + ")");
            }
        }
        p.servers.add(new ServerConfig(name, hp.host(), hp.portLow(), b.build(), l.pos(1)));
    }

    private static void options(ParseContext c, ServerOptionsBuilder b, Line l, int from) {
        for (int i = from; i < l.size(); i++) {
            String o = l.arg(i);
            Opt opt = OPTIONS.get(o);
            if (opt == null) {
                throw new BadValue(i, "unknown server option '" + o + "'" + Suggest.didYouMean(o, OPTIONS.keySet())
                        + " " + Suggest.expected(List.of("check", "inter", "fastinter", "downinter", "rise", "fall",
                        "weight", "backup", "disabled", "maxconn", "maxqueue", "slowstart", "send-proxy", "port")));
            }
            i = opt.apply(c, b, l, i);
        }
    }

    private static void flag(String name, Opt o) {
        OPTIONS.put(name, o);
    }

    private static int set(Runnable r, int last) {
        r.run();
        return last;
    }

    private static java.time.Duration positive(Line l, int i, String what) {
        java.time.Duration d = Values.duration(l, i, what);
        if (d.isZero()) {
            throw new BadValue(i, what + " must be greater than 0 (expected: a time such as 2s)");
        }
        return d;
    }

    private static String ipLiteral(Line l, int i, String what) {
        String s = Values.need(l, i, what);
        if (!Addresses.isIpLiteral(s)) {
            throw new BadValue(i, "'" + s + "' is not an IP address (expected: " + what + ")");
        }
        return s;
    }

    private static MarkedAction marked(Line l, int i, List<String> allowed) {
        Values.oneOf(l, i, "action", allowed);
        return l.arg(i).equals("shutdown-sessions") ? MarkedAction.SHUTDOWN_SESSIONS : MarkedAction.SHUTDOWN_BACKUP_SESSIONS;
    }

    private static int proxyV2Ssl(ParseContext c, ServerOptionsBuilder b, Line l, int i) {
        b.sendProxy = ProxyProtocol.V2;
        c.warn(l.pos(i), "server " + l.arg(i), "read as 'send-proxy-v2': l4lb does not terminate TLS, so it has "
                + "no TLS details to add to the PROXY header");
        return i;
    }

    private static int observe(ParseContext c, ServerOptionsBuilder b, Line l, int i) {
        String mode = Values.oneOf(l, i + 1, "observe mode", List.of("layer4", "layer7", "none"));
        if (mode.equals("layer7")) {
            throw new BadValue(i + 1, "'observe layer7' needs HTTP responses: l4lb observes layer 4 only (expected: layer4)");
        }
        b.observeLayer4 = mode.equals("layer4");
        return i + 1;
    }

    /** {@code init-addr last,libc,none,IP}: methods tried in order when the server name is resolved at start. */
    private static int initAddr(ParseContext c, ServerOptionsBuilder b, Line l, int i) {
        String s = Values.need(l, i + 1, "init-addr methods");
        List<String> methods = new ArrayList<>(Arrays.asList(s.split(",", -1)));
        for (String m : methods) {
            if (!List.of("last", "libc", "none").contains(m) && !Addresses.isIpLiteral(m)) {
                throw new BadValue(i + 1, "unknown init-addr method '" + m + "'"
                        + Suggest.didYouMean(m, List.of("last", "libc", "none"))
                        + " (expected: a comma list of last, libc, none or an IP address)");
            }
        }
        b.initAddr = List.copyOf(methods);
        return i + 1;
    }
}
