package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.KeywordTable.ALL;

import java.util.List;

/**
 * Keywords that do not apply to a Layer-4 balancer: accepted with one warning per keyword and
 * file, the way HAProxy warns about http options in a tcp proxy. Lua is the exception: a config
 * that needs Lua cannot work without it, so {@code lua.*} actions are errors.
 */
final class IgnoredKeywords {
    static final String LOGGING = "ignored: l4lb logs through its own logger, not syslog lines";
    static final String LAYER7 = "ignored: a layer-7 (HTTP) feature, l4lb forwards at layer 4";

    private static final List<String> PROXY_LAYER7 = List.of("errorfile", "errorloc", "errorloc302", "errorloc303",
            "cookie", "capture", "monitor-uri", "monitor", "http-reuse", "compression", "unique-id-format",
            "unique-id-header", "redirect", "http-after-response", "email-alert", "filter", "declare",
            "max-keep-alive-queue", "http-error", "errorfiles");
    private static final List<String> PROXY_LOGGING = List.of("log", "log-format", "log-tag", "log-format-sd",
            "error-log-format");
    private static final List<String> PROXY_OTHER = List.of("load-server-state-from-file", "server-state-file-name",
            "bind-process", "grace", "rate-limit");
    private static final List<String> OPTIONS_LAYER7 = List.of("httplog", "forwardfor", "http-server-close",
            "http-keep-alive", "httpclose", "forceclose", "http-pretend-keepalive", "http-buffer-request",
            "http-use-htx", "originalto", "http-no-delay", "accept-invalid-http-request",
            "accept-invalid-http-response", "checkcache", "http-ignore-probes", "http-use-proxy-header",
            "http_proxy", "http-restrict-req-hdr-names", "h1-case-adjust-bogus-client", "h1-case-adjust-bogus-server",
            "httpchk-legacy", "persist", "prefer-last-server");
    private static final List<String> OPTIONS_LOGGING = List.of("tcplog", "dontlognull", "dontlog-normal",
            "log-separate-errors", "logasap", "contstats", "socket-stats");
    private static final List<String> OPTIONS_TUNING = List.of("abortonclose", "nolinger", "splice-auto",
            "splice-request", "splice-response", "tcp-smart-accept", "tcp-smart-connect", "independent-streams",
            "transparent", "idle-close-on-response", "disable-h2-upgrade", "spop-check");

    private IgnoredKeywords() {
    }

    static void registerProxy(KeywordTable<ProxyBuilder> t) {
        for (String k : PROXY_LAYER7) {
            t.add(k, ALL, (c, p, l) -> c.ignored(l, k, LAYER7));
        }
        for (String k : PROXY_LOGGING) {
            t.add(k, ALL, (c, p, l) -> c.ignored(l, k, LOGGING));
        }
        for (String k : PROXY_OTHER) {
            t.add(k, ALL, (c, p, l) -> c.ignored(l, k, "accepted and not applied by l4lb"));
        }
        t.add("stick-table", ALL, (c, p, l) -> {
            throw new BadValue(0, "stick tables are not supported (expected: 'persist DURATION' for source-IP affinity)");
        });
        t.add("stick", ALL, (c, p, l) -> {
            throw new BadValue(0, "stick rules are not supported (expected: 'persist DURATION' for source-IP affinity)");
        });
        t.add("dispatch", ALL, (c, p, l) -> {
            throw new BadValue(0, "'dispatch' is not supported (expected: a server line)");
        });
        for (String k : List.of("http-request", "http-response")) {
            t.add(k, ALL, (c, p, l) -> {
                rejectLua(l);
                c.ignored(l, k, LAYER7);
            });
        }
        for (String o : OPTIONS_LAYER7) {
            t.addSub("option", o, ALL, true, (c, p, l) -> c.ignored(l, "option " + o, LAYER7));
        }
        for (String o : OPTIONS_LOGGING) {
            t.addSub("option", o, ALL, true, (c, p, l) -> c.ignored(l, "option " + o, LOGGING));
        }
        for (String o : OPTIONS_TUNING) {
            t.addSub("option", o, ALL, true, (c, p, l) -> c.ignored(l, "option " + o, "accepted and not applied by l4lb"));
        }
    }

    /** Any {@code lua.*} action or {@code use-service lua.*} needs a Lua runtime: rejected. */
    static void rejectLua(Line l) {
        for (int i = 1; i < l.size(); i++) {
            if (l.arg(i).startsWith("lua.")) {
                throw new BadValue(i, "Lua actions ('" + l.arg(i) + "') are not supported: l4lb has no Lua runtime");
            }
        }
    }
}
