package io.l4lb.core.config.parse;

import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.config.SourcePos;
import java.time.Duration;
import java.util.List;

/**
 * The {@code global} section: {@code maxconn}, {@code nbthread}, {@code spread-checks},
 * {@code hard-stop-after} and l4lb's {@code l4lb-transport}; process/TLS/logging settings of
 * HAProxy are accepted with a warning; Lua is rejected.
 */
final class GlobalKeywords {
    /** Mutable global settings; several global sections merge, as in HAProxy. */
    static final class Builder {
        int maxconn;
        int nbthread;
        GlobalConfig.Transport transport = GlobalConfig.Transport.EPOLL;
        Duration hardStopAfter;
        int spreadChecks;
        SourcePos pos = SourcePos.NONE;

        GlobalConfig build() {
            return new GlobalConfig(maxconn, nbthread, transport, hardStopAfter, spreadChecks, pos);
        }
    }

    private static final int G = KeywordTable.ALL;

    private static final List<String> PROCESS = List.of("user", "group", "uid", "gid", "daemon", "chroot", "pidfile",
            "ulimit-n", "master-worker", "node", "description", "quiet", "zero-warning", "nbproc", "debug",
            "insecure-fork-wanted", "insecure-setuid-wanted", "external-check", "server-state-file",
            "server-state-base", "cpu-map", "setenv", "presetenv", "resetenv", "unsetenv", "localpeer",
            "numa-cpu-mapping", "busy-polling", "max-spread-checks", "maxconnrate", "maxsessrate", "maxpipes",
            "noepoll", "nokqueue", "nopoll", "nosplice", "nogetaddrinfo", "noreuseport", "strict-limits",
            "expose-experimental-directives", "set-dumpable", "grace", "unix-bind", "h1-case-adjust",
            "h1-case-adjust-file", "hard-stop-after-unused", "mworker-max-reloads", "thread-groups",
            "default-path", "fd-hard-limit", "cluster-secret", "httpclient.ssl.verify", "httpclient.resolvers.id");
    private static final List<String> TLS = List.of("ssl-default-bind-ciphers", "ssl-default-bind-ciphersuites",
            "ssl-default-bind-options", "ssl-default-server-ciphers", "ssl-default-server-ciphersuites",
            "ssl-default-server-options", "ssl-dh-param-file", "ssl-server-verify", "ca-base", "crt-base",
            "ssl-engine", "ssl-mode-async", "ssl-load-extra-files", "ssl-default-bind-curves",
            "ssl-default-bind-sigalgs", "ssl-default-bind-client-sigalgs", "ssl-skip-self-issued-ca",
            "issuers-chain-path");
    private static final List<String> LOGGING = List.of("log", "log-tag", "log-send-hostname", "log-format",
            "stats");

    static final KeywordTable<Builder> TABLE = build();

    private GlobalKeywords() {
    }

    private static KeywordTable<Builder> build() {
        KeywordTable<Builder> t = new KeywordTable<>();
        t.add("maxconn", G, (c, b, l) -> {
            b.maxconn = Values.integer(l, 1, "maxconn", 1, Integer.MAX_VALUE);
            Values.noMore(l, 1);
        });
        t.add("nbthread", G, (c, b, l) -> {
            b.nbthread = Values.integer(l, 1, "nbthread", 1, 4096);
            Values.noMore(l, 1);
        });
        t.add("spread-checks", G, (c, b, l) -> {
            b.spreadChecks = Values.integer(l, 1, "spread-checks percent", 0, 50);
            Values.noMore(l, 1);
        });
        t.add("hard-stop-after", G, (c, b, l) -> {
            b.hardStopAfter = Values.duration(l, 1, "hard-stop-after");
            Values.noMore(l, 1);
        });
        t.add("l4lb-transport", G, (c, b, l) -> {
            String v = Values.oneOf(l, 1, "transport", List.of("epoll", "io_uring", "nio"));
            Values.noMore(l, 1);
            b.transport = GlobalConfig.Transport.valueOf(v.toUpperCase());
        });
        for (String k : PROCESS) {
            t.add(k, G, (c, b, l) -> c.ignored(l, k, switch (k) {
                case "nbproc" -> "ignored: removed in HAProxy 2.5 (HAProxy 2.6 rejects it); l4lb runs one process, "
                        + "use nbthread for event loops";
                case "debug" -> "ignored: removed in HAProxy 2.x (HAProxy 2.6 rejects it)";
                case "external-check", "insecure-fork-wanted" -> "ignored: l4lb does not run external check scripts";
                default -> "ignored: a process setting of HAProxy that l4lb does not use";
            }));
        }
        for (String k : TLS) {
            t.add(k, G, (c, b, l) -> c.ignored(l, k, "ignored: l4lb passes TLS through and holds no TLS settings"));
        }
        for (String k : LOGGING) {
            t.add(k, G, (c, b, l) -> c.ignored(l, k.equals("stats") ? "stats " + l.arg(1) : k,
                    k.equals("stats") ? "ignored: l4lb's admin API replaces the stats socket" : IgnoredKeywords.LOGGING));
        }
        for (String k : List.of("lua-load", "lua-load-per-thread", "lua-prepend-path")) {
            t.add(k, G, (c, b, l) -> {
                throw new BadValue(0, "Lua is not supported: l4lb has no Lua runtime (expected: no Lua scripts)");
            });
        }
        return t;
    }
}
