package io.l4lb.dataplane.proxy.acl;

import io.l4lb.core.config.AclConfig;
import io.l4lb.core.config.Condition;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compiles a frontend's ACLs and conditions once, at start, into {@link ConnPredicate}s
 * (HAProxy {@code acl.c} semantics): all definitions of one ACL name are OR-ed, a condition is an
 * OR of AND-groups, {@code unless} negates. Criteria: {@code src dst src_port dst_port
 * req.ssl_sni req.ssl_hello_type always_true always_false} (the old {@code req_ssl_*} spellings
 * too) and the predefined ACLs {@code TRUE FALSE LOCALHOST}.
 */
public final class AclCompiler {
    private final Map<String, List<AclConfig>> named = new LinkedHashMap<>();

    public AclCompiler(List<AclConfig> acls) {
        for (AclConfig a : acls) {
            named.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a);
        }
    }

    /** True when the criterion needs the TLS ClientHello (so the frontend must inspect). */
    public static boolean needsHello(AclConfig a) {
        return normalize(a.criterion()).startsWith("req.ssl_");
    }

    /** True when the condition refers to any hello-based ACL. */
    public boolean needsHello(Condition c) {
        if (c == null) {
            return false;
        }
        for (List<Condition.Term> group : c.anyOf()) {
            for (Condition.Term t : group) {
                if (t.inline() != null && needsHello(t.inline())) {
                    return true;
                }
                if (t.aclName() != null) {
                    for (AclConfig a : named.getOrDefault(t.aclName(), List.of())) {
                        if (needsHello(a)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** A null condition always matches. */
    public ConnPredicate compile(Condition c) {
        if (c == null) {
            return ConnPredicate.TRUE;
        }
        List<ConnPredicate> groups = new ArrayList<>();
        for (List<Condition.Term> g : c.anyOf()) {
            List<ConnPredicate> terms = new ArrayList<>();
            for (Condition.Term t : g) {
                ConnPredicate p = t.inline() != null ? acl(t.inline()) : named(t.aclName());
                terms.add(t.negated() ? s -> !p.test(s) : p);
            }
            ConnPredicate[] all = terms.toArray(ConnPredicate[]::new);
            groups.add(s -> {
                for (ConnPredicate p : all) {
                    if (!p.test(s)) {
                        return false;
                    }
                }
                return true;
            });
        }
        ConnPredicate[] any = groups.toArray(ConnPredicate[]::new);
        ConnPredicate or = s -> {
            for (ConnPredicate p : any) {
                if (p.test(s)) {
                    return true;
                }
            }
            return false;
        };
        return c.unless() ? s -> !or.test(s) : or;
    }

    private ConnPredicate named(String name) {
        List<AclConfig> defs = named.get(name);
        if (defs == null) {
            return switch (name) {
                case "TRUE" -> ConnPredicate.TRUE;
                case "FALSE" -> ConnPredicate.FALSE;
                case "LOCALHOST" -> s -> s.src() != null && s.src().getAddress().isLoopbackAddress();
                default -> throw new IllegalArgumentException("unknown acl '" + name + "'");
            };
        }
        ConnPredicate[] any = defs.stream().map(AclCompiler::acl).toArray(ConnPredicate[]::new);
        return s -> {
            for (ConnPredicate p : any) {
                if (p.test(s)) {
                    return true;
                }
            }
            return false;
        };
    }

    static String normalize(String criterion) {
        String c = criterion.toLowerCase(Locale.ROOT);
        return c.startsWith("req_ssl_") ? "req.ssl_" + c.substring("req_ssl_".length()) : c;
    }

    /** One ACL line: any of its values matching is a match. */
    public static ConnPredicate acl(AclConfig a) {
        String crit = normalize(a.criterion());
        List<String> values = a.values();
        return switch (crit) {
            case "always_true" -> ConnPredicate.TRUE;
            case "always_false" -> ConnPredicate.FALSE;
            case "src" -> addr(values, true);
            case "dst" -> addr(values, false);
            case "src_port" -> port(values, true);
            case "dst_port" -> port(values, false);
            case "req.ssl_hello_type" -> {
                long[][] r = ranges(values);
                yield s -> s.helloType() >= 0 && inRanges(r, s.helloType());
            }
            case "req.ssl_sni" -> sni(a.flags(), values);
            default -> throw new IllegalArgumentException("unsupported acl criterion '" + a.criterion() + "'");
        };
    }

    private static ConnPredicate addr(List<String> values, boolean src) {
        Cidr[] nets = values.stream().map(Cidr::parse).toArray(Cidr[]::new);
        return s -> {
            var a = src ? s.src() : s.dst();
            if (a == null) {
                return false;
            }
            byte[] ip = Cidr.canonical(a.getAddress());
            for (Cidr n : nets) {
                if (n.contains(ip)) {
                    return true;
                }
            }
            return false;
        };
    }

    private static ConnPredicate port(List<String> values, boolean src) {
        long[][] r = ranges(values);
        return s -> {
            var a = src ? s.src() : s.dst();
            return a != null && inRanges(r, a.getPort());
        };
    }

    private static long[][] ranges(List<String> values) {
        long[][] r = new long[values.size()][];
        for (int i = 0; i < r.length; i++) {
            String v = values.get(i);
            int colon = v.indexOf(':');
            try {
                r[i] = colon < 0 ? new long[] {Long.parseLong(v), Long.parseLong(v)}
                        : new long[] {colon == 0 ? 0 : Long.parseLong(v.substring(0, colon)),
                            colon == v.length() - 1 ? Long.MAX_VALUE : Long.parseLong(v.substring(colon + 1))};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an integer or range: '" + v + "'");
            }
        }
        return r;
    }

    private static boolean inRanges(long[][] r, long v) {
        for (long[] x : r) {
            if (v >= x[0] && v <= x[1]) {
                return true;
            }
        }
        return false;
    }

    /** HAProxy string matching: {@code -i} ignores case, {@code -m str|beg|end|sub|dom|reg}. */
    private static ConnPredicate sni(List<String> flags, List<String> values) {
        boolean ignoreCase = flags.contains("-i");
        String method = "str";
        int m = flags.indexOf("-m");
        if (m >= 0 && m + 1 < flags.size()) {
            method = flags.get(m + 1);
        }
        final String how = method;
        List<String> vs = values.stream().map(v -> ignoreCase ? v.toLowerCase(Locale.ROOT) : v).toList();
        List<Pattern> regs = how.equals("reg")
                ? values.stream().map(v -> Pattern.compile(v, ignoreCase ? Pattern.CASE_INSENSITIVE : 0)).toList()
                : List.of();
        return s -> {
            String name = s.sni();
            if (name == null) {
                return false;
            }
            String n = ignoreCase ? name.toLowerCase(Locale.ROOT) : name;
            if (how.equals("reg")) {
                return regs.stream().anyMatch(p -> p.matcher(name).find());
            }
            for (String v : vs) {
                boolean hit = switch (how) {
                    case "beg" -> n.startsWith(v);
                    case "end" -> n.endsWith(v);
                    case "sub" -> n.contains(v);
                    case "dom" -> n.equals(v) || n.endsWith("." + v) || n.startsWith(v + ".") || n.contains("." + v + ".");
                    default -> n.equals(v);
                };
                if (hit) {
                    return true;
                }
            }
            return false;
        };
    }

    /** An IPv4/IPv6 network; IPv4-mapped IPv6 addresses compare as IPv4. */
    record Cidr(byte[] net, int bits) {
        static Cidr parse(String v) {
            int slash = v.indexOf('/');
            String host = slash < 0 ? v : v.substring(0, slash);
            try {
                byte[] a = canonical(InetAddress.ofLiteral(host));
                int bits = slash < 0 ? a.length * 8 : Integer.parseInt(v.substring(slash + 1));
                if (bits < 0 || bits > a.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in '" + v + "'");
                }
                return new Cidr(a, bits);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not an IP address or network: '" + v + "'", e);
            }
        }

        static byte[] canonical(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length == 16) {
                boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
                for (int i = 0; i < 10 && mapped; i++) {
                    mapped = b[i] == 0;
                }
                if (mapped) {
                    return new byte[] {b[12], b[13], b[14], b[15]};
                }
            }
            return b;
        }

        boolean contains(byte[] ip) {
            if (ip.length != net.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (ip[i] != net[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (ip[full] & mask) == (net[full] & mask);
        }
    }

}
