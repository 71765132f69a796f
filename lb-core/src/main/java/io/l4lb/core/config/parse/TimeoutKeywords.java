package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.KeywordTable.ALL;
import static io.l4lb.core.config.parse.KeywordTable.BE;
import static io.l4lb.core.config.parse.KeywordTable.FE;

import io.l4lb.core.config.Timeouts;
import java.time.Duration;
import java.util.Map;

/**
 * {@code timeout NAME DURATION} and the pre-2.1 {@code contimeout/clitimeout/srvtimeout}.
 * A timeout in a section that cannot use it is ignored with a warning, as HAProxy does.
 */
final class TimeoutKeywords {
    /** Timeout name -> the side (FE/BE) that uses it. */
    private static final Map<String, Integer> SIDE = Map.of(
            "connect", BE, "client", FE, "server", BE, "queue", BE, "check", BE, "tunnel", BE,
            "client-fin", FE, "server-fin", BE);

    /** HAProxy 2.1 removed these; HAProxy 2.6 rejects them. l4lb accepts them with a warning. */
    private static final Map<String, String> LEGACY = Map.of(
            "contimeout", "connect", "clitimeout", "client", "srvtimeout", "server");

    private TimeoutKeywords() {
    }

    static void register(KeywordTable<ProxyBuilder> t) {
        for (String name : SIDE.keySet()) {
            t.addSub("timeout", name, ALL, false, (c, p, l) -> set(c, p, l, name, 2));
        }
        for (String http : new String[] {"http-request", "http-keep-alive", "tarpit"}) {
            t.addSub("timeout", http, ALL, false, (c, p, l) -> {
                Values.duration(l, 2, "timeout " + http);
                c.ignored(l, "timeout " + http, "ignored: an HTTP timeout, l4lb forwards at layer 4");
            });
        }
        for (var e : LEGACY.entrySet()) {
            t.add(e.getKey(), ALL, (c, p, l) -> {
                c.warn(l.pos(0), e.getKey(), "removed in HAProxy 2.1 (HAProxy 2.6 rejects it), read as 'timeout "
                        + e.getValue() + "': please write 'timeout " + e.getValue() + " " + l.arg(1) + "'");
                set(c, p, l, e.getValue(), 1);
            });
        }
    }

    private static void set(ParseContext c, ProxyBuilder p, Line l, String name, int valueWord) {
        Duration d = Values.duration(l, valueWord, "timeout " + name);
        Values.noMore(l, valueWord);
        if (p.kind != ProxyBuilder.Kind.DEFAULTS && (p.kind.caps & SIDE.get(name)) == 0) {
            c.warn(l.pos(0), "timeout " + name, "ignored in a " + p.kind.word() + " section: only "
                    + (SIDE.get(name) == FE ? "frontends" : "backends") + " use it");
            return;
        }
        p.timeouts = with(p.timeouts, name, d);
    }

    static Timeouts with(Timeouts t, String name, Duration d) {
        return switch (name) {
            case "connect" -> new Timeouts(d, t.client(), t.server(), t.queue(), t.check(), t.tunnel(), t.clientFin(), t.serverFin());
            case "client" -> new Timeouts(t.connect(), d, t.server(), t.queue(), t.check(), t.tunnel(), t.clientFin(), t.serverFin());
            case "server" -> new Timeouts(t.connect(), t.client(), d, t.queue(), t.check(), t.tunnel(), t.clientFin(), t.serverFin());
            case "queue" -> new Timeouts(t.connect(), t.client(), t.server(), d, t.check(), t.tunnel(), t.clientFin(), t.serverFin());
            case "check" -> new Timeouts(t.connect(), t.client(), t.server(), t.queue(), d, t.tunnel(), t.clientFin(), t.serverFin());
            case "tunnel" -> new Timeouts(t.connect(), t.client(), t.server(), t.queue(), t.check(), d, t.clientFin(), t.serverFin());
            case "client-fin" -> new Timeouts(t.connect(), t.client(), t.server(), t.queue(), t.check(), t.tunnel(), d, t.serverFin());
            case "server-fin" -> new Timeouts(t.connect(), t.client(), t.server(), t.queue(), t.check(), t.tunnel(), t.clientFin(), d);
            default -> throw new IllegalArgumentException(name);
        };
    }
}
