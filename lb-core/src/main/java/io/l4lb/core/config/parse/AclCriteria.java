package io.l4lb.core.config.parse;

import io.l4lb.core.config.AclConfig;
import io.l4lb.core.config.SourcePos;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sample fetches an l4lb ACL may use (layer 4 and the TLS ClientHello peek), how their values
 * are validated, HAProxy's predefined ACLs expanded into inline ones, and the layer-7 fetches
 * that are recognised only to give a precise error (tcp mode) or a warning (http mode).
 */
final class AclCriteria {
    enum ValueKind { IP, INT, STRING, NONE }

    /** Fetch name (without arguments) -> value kind. */
    private static final java.util.Map<String, ValueKind> L4 = java.util.Map.ofEntries(
            java.util.Map.entry("src", ValueKind.IP), java.util.Map.entry("dst", ValueKind.IP),
            java.util.Map.entry("src_port", ValueKind.INT), java.util.Map.entry("dst_port", ValueKind.INT),
            java.util.Map.entry("req.ssl_sni", ValueKind.STRING), java.util.Map.entry("req_ssl_sni", ValueKind.STRING),
            java.util.Map.entry("req.ssl_hello_type", ValueKind.INT), java.util.Map.entry("req_ssl_hello_type", ValueKind.INT),
            java.util.Map.entry("req.ssl_ver", ValueKind.STRING), java.util.Map.entry("req_ssl_ver", ValueKind.STRING),
            java.util.Map.entry("req.ssl_alpn", ValueKind.STRING), java.util.Map.entry("req.ssl_st_ext", ValueKind.INT),
            java.util.Map.entry("req.ssl_ec_ext", ValueKind.INT),
            java.util.Map.entry("req.len", ValueKind.INT), java.util.Map.entry("req_len", ValueKind.INT),
            java.util.Map.entry("req.payload", ValueKind.STRING), java.util.Map.entry("payload", ValueKind.STRING),
            java.util.Map.entry("req.payload_lv", ValueKind.STRING), java.util.Map.entry("payload_lv", ValueKind.STRING),
            java.util.Map.entry("req.proto_http", ValueKind.NONE), java.util.Map.entry("req_proto_http", ValueKind.NONE),
            java.util.Map.entry("always_true", ValueKind.NONE), java.util.Map.entry("always_false", ValueKind.NONE),
            java.util.Map.entry("wait_end", ValueKind.NONE), java.util.Map.entry("src_is_local", ValueKind.NONE),
            java.util.Map.entry("nbsrv", ValueKind.INT), java.util.Map.entry("connslots", ValueKind.INT),
            java.util.Map.entry("dst_conn", ValueKind.INT), java.util.Map.entry("fe_conn", ValueKind.INT),
            java.util.Map.entry("be_conn", ValueKind.INT), java.util.Map.entry("queue", ValueKind.INT),
            java.util.Map.entry("avg_queue", ValueKind.INT), java.util.Map.entry("srv_is_up", ValueKind.NONE));

    /** Layer-7 fetches: named so the error can say why, not "unknown". */
    private static final Set<String> L7 = Set.of("path", "path_beg", "path_end", "path_reg", "path_sub", "url",
            "url_beg", "url_param", "hdr", "hdr_beg", "hdr_end", "hdr_sub", "hdr_reg", "hdr_dom", "hdr_cnt",
            "hdr_val", "req.hdr", "res.hdr", "method", "base", "cook", "req.cook", "status", "ssl_fc", "ssl_fc_sni",
            "ssl_c_used", "http_auth", "query", "urlp", "req.body", "capture.req.hdr", "var", "sc_http_req_rate");

    /** HAProxy's predefined ACLs that make sense at layer 4, as inline ACLs (criterion, values). */
    static final Set<String> PREDEFINED = Set.of("TRUE", "FALSE", "LOCALHOST", "HTTP", "REQ_CONTENT", "WAIT_END");
    private static final Set<String> PREDEFINED_L7 = Set.of("HTTP_1.0", "HTTP_1.1", "HTTP_CONTENT", "HTTP_URL_ABS",
            "HTTP_URL_SLASH", "HTTP_URL_STAR", "METH_CONNECT", "METH_DELETE", "METH_GET", "METH_HEAD",
            "METH_OPTIONS", "METH_POST", "METH_PUT", "METH_TRACE", "RDP_COOKIE", "HTTP_2.0");

    private AclCriteria() {
    }

    static AclConfig predefined(String name, SourcePos pos) {
        return switch (name) {
            case "TRUE" -> new AclConfig(null, "always_true", List.of(), List.of(), pos);
            case "FALSE" -> new AclConfig(null, "always_false", List.of(), List.of(), pos);
            case "LOCALHOST" -> new AclConfig(null, "src", List.of(), List.of("127.0.0.1/8", "::1"), pos);
            case "HTTP" -> new AclConfig(null, "req.proto_http", List.of(), List.of(), pos);
            case "REQ_CONTENT" -> new AclConfig(null, "req.len", List.of(), List.of("gt", "0"), pos);
            default -> new AclConfig(null, "wait_end", List.of(), List.of(), pos);
        };
    }

    static boolean isLayer7Predefined(String name) {
        return PREDEFINED_L7.contains(name);
    }

    static Set<String> known() {
        return new TreeSet<>(L4.keySet());
    }

    /** The fetch name without its parenthesised arguments: {@code payload(0,7)} -> {@code payload}. */
    static String baseName(String criterion) {
        int par = criterion.indexOf('(');
        String base = par < 0 ? criterion : criterion.substring(0, par);
        int comma = base.indexOf(',');
        return comma < 0 ? base : base.substring(0, comma);
    }

    static boolean isLayer7(String criterion) {
        return L7.contains(baseName(criterion));
    }

    static boolean isKnown(String criterion) {
        return L4.containsKey(baseName(criterion));
    }

    /**
     * Parses {@code CRITERION [flags] VALUES} starting at word {@code from} up to {@code end}
     * (exclusive). Layer-7 criteria are the caller's business (checked before).
     */
    static AclConfig parse(String name, Line l, int from, int end) {
        String criterion = l.arg(from);
        String base = baseName(criterion);
        ValueKind kind = L4.get(base);
        List<String> flags = new ArrayList<>();
        int i = from + 1;
        boolean binMatch = false;
        boolean lenMatch = false;
        boolean fromFile = false;
        while (i < end && l.arg(i).startsWith("-") && !l.arg(i).matches("-?\\d.*")) {
            String f = l.arg(i);
            flags.add(f);
            switch (f) {
                case "-i", "-n", "-M" -> { }
                case "--" -> {
                    i++;
                    break;
                }
                case "-m", "-f", "-u" -> {
                    if (i + 1 >= end) {
                        throw new BadValue(i, "flag '" + f + "' needs a value (expected: " + f + " VALUE)");
                    }
                    String v = l.arg(++i);
                    flags.add(v);
                    if (f.equals("-m")) {
                        Values.oneOf(l, i, "match method", List.of("str", "beg", "end", "sub", "reg", "found", "bin",
                                "len", "int", "ip", "dir", "dom", "bool"));
                        binMatch = v.equals("bin");
                        lenMatch = v.equals("len") || v.equals("int") || v.equals("found") || v.equals("bool");
                    }
                    fromFile |= f.equals("-f");
                }
                default -> throw new BadValue(i, "unknown ACL flag '" + f + "' (expected: -i, -f FILE, -m METHOD, -n, -M, -u ID, --)");
            }
            if (f.equals("--")) {
                break;
            }
            i++;
        }
        List<String> values = new ArrayList<>();
        for (int k = i; k < end; k++) {
            String v = l.arg(k);
            values.add(v);
            if (binMatch) {
                Values.hex(l, k, "binary pattern");
            } else if (!lenMatch && kind == ValueKind.IP && !Addresses.isCidr(v)) {
                throw new BadValue(k, "'" + v + "' is not an address (expected: IP or IP/PREFIX for " + base + ")");
            } else if (!lenMatch && kind == ValueKind.INT && !isIntPattern(v)) {
                throw new BadValue(k, "'" + v + "' is not an integer match (expected: N, LOW:HIGH, or eq|ge|gt|le|lt N)");
            }
        }
        if (kind == ValueKind.NONE && !values.isEmpty()) {
            throw new BadValue(i, "'" + base + "' takes no value (expected: end of the ACL)");
        }
        if (kind != ValueKind.NONE && values.isEmpty() && !fromFile && !flags.contains("found")) {
            throw new BadValue(i, "'" + base + "' needs a value to match (expected: one or more patterns, or -m found)");
        }
        return new AclConfig(name, criterion, flags, values, l.pos(from));
    }

    private static boolean isIntPattern(String v) {
        return v.matches("\\d+(:\\d*)?|:\\d+|eq|ge|gt|le|lt");
    }
}
