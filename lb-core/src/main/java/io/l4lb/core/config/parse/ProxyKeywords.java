package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.KeywordTable.ALL;
import static io.l4lb.core.config.parse.KeywordTable.BE;
import static io.l4lb.core.config.parse.KeywordTable.DEF_BE;
import static io.l4lb.core.config.parse.KeywordTable.DEF_FE;
import static io.l4lb.core.config.parse.KeywordTable.FE;
import static io.l4lb.core.config.parse.KeywordTable.FE_BE;

import io.l4lb.core.config.BalanceConfig;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.ProxyMode;
import io.l4lb.core.sched.SchedulerRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The proxy keyword table (defaults, frontend, backend, listen), assembled from one class per
 * area. This class registers the general keywords: mode, limits, balance, routing targets,
 * l4lb's forward/persist/source, and the boolean options.
 */
final class ProxyKeywords {
    /**
     * {@code balance} keywords the scheduler library provides, with the canonical scheduler each
     * maps to. Used when {@link SchedulerRegistry} does not know a keyword yet (the registry is
     * authoritative when it does); docs/schedulers.md describes the algorithms.
     */
    static final Map<String, String> BALANCE = new LinkedHashMap<>();

    static {
        for (String k : List.of("rr", "wrr", "static-rr", "lc", "wlc", "sh", "mh", "sed", "nq", "first")) {
            BALANCE.put(k, k);
        }
        BALANCE.put("roundrobin", "wrr");
        BALANCE.put("leastconn", "wlc");
        BALANCE.put("source", "sh");
    }

    /** HAProxy algorithms that need layer 7 or are not provided. */
    private static final Set<String> BALANCE_UNSUPPORTED = Set.of("uri", "url_param", "hdr", "rdp-cookie",
            "random", "hash", "log-hash", "sticky");

    static final KeywordTable<ProxyBuilder> TABLE = build();

    private ProxyKeywords() {
    }

    private static KeywordTable<ProxyBuilder> build() {
        KeywordTable<ProxyBuilder> t = new KeywordTable<>();
        t.add("mode", ALL, ProxyKeywords::mode);
        t.add("maxconn", DEF_FE, (c, p, l) -> {
            p.maxconn = Values.integer(l, 1, "maxconn", 0, Integer.MAX_VALUE);
            Values.noMore(l, 1);
        });
        t.add("backlog", DEF_FE, (c, p, l) -> p.backlog = Values.integer(l, 1, "backlog", 1, Integer.MAX_VALUE));
        t.add("fullconn", DEF_BE, (c, p, l) -> p.fullconn = Values.integer(l, 1, "fullconn", 1, Integer.MAX_VALUE));
        t.add("retries", DEF_BE, (c, p, l) -> {
            p.retries = Values.integer(l, 1, "retries", 0, 1_000_000);
            Values.noMore(l, 1);
        });
        t.add("balance", DEF_BE, ProxyKeywords::balance);
        t.add("hash-type", DEF_BE, (c, p, l) -> c.ignored(l, "hash-type",
                "ignored: l4lb's sh and mh schedulers choose their own hashing (see docs/schedulers.md)"));
        t.add("default_backend", DEF_FE, (c, p, l) -> {
            p.defaultBackend = Values.need(l, 1, "backend name");
            p.defaultBackendPos = l.pos(1);
            Values.noMore(l, 1);
        });
        t.add("description", ALL, (c, p, l) -> c.ignored(l, "description", "ignored: l4lb keeps no proxy descriptions"));
        t.add("id", FE_BE, (c, p, l) -> Values.integer(l, 1, "id", 1, Integer.MAX_VALUE));
        t.add("disabled", FE_BE, (c, p, l) -> c.ignored(l, "disabled",
                "ignored: l4lb has no disabled proxies, remove the section instead"));
        t.add("enabled", FE_BE, (c, p, l) -> { });
        t.add("forward", DEF_BE, (c, p, l) -> {
            String f = Values.oneOf(l, 1, "forwarding style", List.of("proxy", "dr", "tunnel"));
            p.forward = ForwardStyle.valueOf(f.toUpperCase());
            Values.noMore(l, 1);
        });
        t.add("persist", DEF_BE, (c, p, l) -> {
            if (l.arg(1).equals("rdp-cookie")) {
                throw new BadValue(1, "'persist rdp-cookie' needs layer 7 (expected: persist DURATION, "
                        + "l4lb's source-IP affinity, e.g. persist 300s)");
            }
            p.persist = Values.duration(l, 1, "persist DURATION", null);
            Values.noMore(l, 1);
        });
        t.add("source", DEF_BE, ProxyKeywords::source);
        for (String o : List.of("redispatch", "tcpka", "clitcpka", "srvtcpka", "allbackups")) {
            t.addSub("option", o, optionCaps(o), true, ProxyKeywords::booleanOption);
        }
        TimeoutKeywords.register(t);
        BindKeywords.register(t);
        ServerKeywords.register(t);
        CheckKeywords.register(t);
        RuleKeywords.register(t);
        StatsKeywords.register(t);
        IgnoredKeywords.registerProxy(t);
        return t;
    }

    private static int optionCaps(String o) {
        return switch (o) {
            case "clitcpka" -> DEF_FE;
            case "srvtcpka", "redispatch", "allbackups" -> DEF_BE;
            default -> ALL;
        };
    }

    private static void booleanOption(ParseContext c, ProxyBuilder p, Line l) {
        boolean on = !c.negated();
        Values.noMore(l, 1);
        switch (l.arg(1)) {
            case "redispatch" -> p.redispatch = on;
            case "allbackups" -> p.allBackups = on;
            case "clitcpka" -> p.cliTcpKa = on;
            case "srvtcpka" -> p.srvTcpKa = on;
            default -> {
                p.cliTcpKa = on;
                p.srvTcpKa = on;
            }
        }
    }

    private static void mode(ParseContext c, ProxyBuilder p, Line l) {
        String m = Values.oneOf(l, 1, "mode", List.of("tcp", "http", "health"));
        Values.noMore(l, 1);
        if (m.equals("health")) {
            throw new BadValue(1, "'mode health' was removed in HAProxy 2.4 (expected: tcp or http)");
        }
        p.mode = ProxyMode.valueOf(m.toUpperCase());
    }

    private static void balance(ParseContext c, ProxyBuilder p, Line l) {
        if (!l.has(1)) {
            p.balance = new BalanceConfig("roundrobin", canonical("roundrobin"), List.of(), l.pos(0));
            return;
        }
        String kw = l.arg(1);
        if (BALANCE_UNSUPPORTED.contains(kw)) {
            throw new BadValue(1, "algorithm '" + kw + "' is not supported: l4lb balances at layer 4 "
                    + Suggest.expected(knownBalance()));
        }
        String canonical = canonical(kw);
        if (canonical == null) {
            throw new BadValue(1, "unknown algorithm '" + kw + "'" + Suggest.didYouMean(kw, knownBalance())
                    + " " + Suggest.expected(knownBalance()));
        }
        p.balance = new BalanceConfig(kw, canonical, l.words().subList(2, l.size()).stream().map(Word::text).toList(),
                l.pos(1));
    }

    static String canonical(String kw) {
        return SchedulerRegistry.canonical(kw).orElse(BALANCE.get(kw));
    }

    static Set<String> knownBalance() {
        Set<String> s = new TreeSet<>(BALANCE.keySet());
        s.addAll(SchedulerRegistry.keywords());
        return s;
    }

    /** {@code source ADDR[:PORT] [usesrc clientip]}: only the transparent-source form changes anything. */
    private static void source(ParseContext c, ProxyBuilder p, Line l) {
        String addr = Values.need(l, 1, "source address");
        String host = addr.startsWith("[") || addr.chars().filter(ch -> ch == ':').count() == 1
                ? Addresses.server(addr, 1).host() : addr;
        if (!Addresses.isIpLiteral(host)) {
            throw new BadValue(1, "'" + addr + "' is not an IP address (expected: source ADDR[:PORT] [usesrc clientip])");
        }
        if (!l.has(2)) {
            c.ignored(l, "source", "a fixed source address is not applied by l4lb (the kernel picks it); "
                    + "'source 0.0.0.0 usesrc clientip' is supported");
            return;
        }
        if (!l.arg(2).equals("usesrc")) {
            throw new BadValue(2, "unexpected '" + l.arg(2) + "' (expected: usesrc)");
        }
        String what = Values.oneOf(l, 3, "usesrc source", List.of("clientip", "client"));
        if (what.equals("client")) {
            throw new BadValue(3, "'usesrc client' (client IP and port) is not supported (expected: clientip)");
        }
        Values.noMore(l, 3);
        p.usesrcClientIp = true;
    }
}
