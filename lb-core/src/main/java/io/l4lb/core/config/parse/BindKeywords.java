package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.KeywordTable.FE;

import io.l4lb.core.config.BindConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code bind ADDR[,ADDR...] [options]}. Addresses: {@code :port}, {@code *:port}, {@code
 * :::port}, {@code [v6]:port}, {@code ip:low-high}. TLS termination options ({@code ssl},
 * {@code crt}, ...) are rejected: l4lb passes TLS through and routes it by SNI.
 */
final class BindKeywords {
    /** Options that take no value and are stored or harmless. */
    private static final Set<String> FLAGS = Set.of("v4v6", "v6only", "accept-proxy", "transparent", "tfo",
            "defer-accept", "accept-netscaler-cip");
    /** Options followed by one value, accepted and not applied. */
    private static final Map<String, String> IGNORED_WITH_VALUE = Map.ofEntries(
            Map.entry("backlog", "the listen backlog comes from the section's backlog"),
            Map.entry("maxconn", "use maxconn in the frontend"),
            Map.entry("interface", "bind the address instead"),
            Map.entry("mss", "not applied"), Map.entry("nice", "not applied"), Map.entry("id", "not applied"),
            Map.entry("process", "l4lb runs one process"), Map.entry("thread", "l4lb spreads over all event loops"),
            Map.entry("level", "not applied"), Map.entry("mode", "not applied"), Map.entry("user", "not applied"),
            Map.entry("group", "not applied"), Map.entry("uid", "not applied"), Map.entry("gid", "not applied"),
            Map.entry("namespace", "not applied"), Map.entry("tcp-ut", "not applied"));
    /** TLS termination options: rejected. */
    private static final Set<String> TLS = Set.of("ssl", "crt", "crt-list", "ca-file", "alpn", "npn", "ciphers",
            "ciphersuites", "strict-sni", "verify", "curves", "ecdhe", "ssl-min-ver", "ssl-max-ver", "no-sslv3",
            "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13", "force-tlsv12", "force-tlsv13", "crl-file",
            "generate-certificates", "ca-sign-file", "quic-cc-algo", "allow-0rtt", "prefer-client-ciphers",
            "no-tls-tickets", "sigalgs", "client-sigalgs", "ssl-default-bind");
    private BindKeywords() {
    }

    /** True for every bind option l4lb understands (including the TLS ones it rejects with a reason). */
    static boolean knows(String option) {
        return FLAGS.contains(option) || IGNORED_WITH_VALUE.containsKey(option) || TLS.contains(option)
                || option.equals("name");
    }

    static void register(KeywordTable<ProxyBuilder> t) {
        t.add("bind", FE, BindKeywords::bind);
    }

    private static void bind(ParseContext c, ProxyBuilder p, Line l) {
        String spec = Values.need(l, 1, "bind address");
        for (int i = 2; i < l.size(); i++) {
            if (TLS.contains(l.arg(i))) {
                throw new BadValue(i, "'" + l.arg(i) + "': TLS termination is not supported: l4lb passes TLS "
                        + "through and routes it by SNI (req.ssl_sni), it never holds certificates (expected: a "
                        + "plain bind and a TLS-terminating server behind l4lb)");
            }
        }
        List<Addresses.HostPort> addrs = new ArrayList<>();
        for (String one : spec.split(",", -1)) {
            addrs.add(Addresses.bind(one, 1));
        }
        boolean v4v6 = false;
        boolean v6only = false;
        boolean acceptProxy = false;
        String name = null;
        for (int i = 2; i < l.size(); i++) {
            String o = l.arg(i);
            if (FLAGS.contains(o)) {
                switch (o) {
                    case "v4v6" -> v4v6 = true;
                    case "v6only" -> v6only = true;
                    case "accept-proxy" -> acceptProxy = true;
                    default -> c.ignored(l, "bind " + o, "bind option '" + o + "' is accepted and not applied by l4lb");
                }
            } else if (o.equals("name")) {
                name = Values.need(l, ++i, "bind name");
            } else if (IGNORED_WITH_VALUE.containsKey(o)) {
                Values.need(l, ++i, o + " value");
                c.ignored(l, "bind " + o, "bind option '" + o + "' ignored: " + IGNORED_WITH_VALUE.get(o));
            } else {
                Set<String> known = new TreeSet<>(FLAGS);
                known.addAll(IGNORED_WITH_VALUE.keySet());
                known.add("name");
                throw new BadValue(i, "unknown bind option '" + o + "'" + Suggest.didYouMean(o, known) + " "
                        + Suggest.expected(known));
            }
        }
        if (v4v6 && v6only) {
            throw new BadValue(1, "'v4v6' and 'v6only' exclude each other (expected: one of them)");
        }
        for (Addresses.HostPort a : addrs) {
            if ((v4v6 || v6only) && a.host() != null && !Addresses.isIpv6(a.host())) {
                throw new BadValue(1, "'" + (v4v6 ? "v4v6" : "v6only") + "' needs an IPv6 address, got '"
                        + a.host() + "' (expected: e.g. :::" + a.portLow() + ")");
            }
            p.binds.add(new BindConfig(a.host(), a.portLow(), a.portHigh(), v4v6, v6only, acceptProxy, name, l.pos(1)));
        }
    }
}
