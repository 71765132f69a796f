package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.KeywordTable.ALL;

import io.l4lb.core.config.Condition;

/**
 * The {@code stats} block of an http proxy (served by l4lb's admin plane). As in HAProxy any
 * {@code stats} keyword but {@code stats disable} enables the page; {@code stats refresh}
 * counts in seconds by default.
 */
final class StatsKeywords {
    private StatsKeywords() {
    }

    static void register(KeywordTable<ProxyBuilder> t) {
        t.addSub("stats", "enable", ALL, false, (c, p, l) -> on(p, l));
        t.addSub("stats", "disable", ALL, false, (c, p, l) -> p.stats.enabled = false);
        t.addSub("stats", "uri", ALL, false, (c, p, l) -> {
            String uri = Values.need(l, 2, "URI prefix");
            if (!uri.startsWith("/")) {
                throw new BadValue(2, "'" + uri + "' is not a path (expected: a URI starting with '/')");
            }
            on(p, l).uri = uri;
        });
        t.addSub("stats", "auth", ALL, false, (c, p, l) -> {
            String a = Values.need(l, 2, "user:password");
            if (a.indexOf(':') <= 0) {
                throw new BadValue(2, "'" + a + "' is not user:password (expected: stats auth USER:PASSWORD)");
            }
            on(p, l).auth.add(a);
        });
        t.addSub("stats", "realm", ALL, false, (c, p, l) -> {
            on(p, l).realm = Values.need(l, 2, "realm");
            if (l.has(3)) {
                c.warn(l.pos(3), "stats realm", "only the first word '" + l.arg(2) + "' is used, as in HAProxy "
                        + "(quote the realm or escape its spaces with '\\ ')");
            }
        });
        t.addSub("stats", "refresh", ALL, false, (c, p, l) -> on(p, l).refresh = Values.duration(l, 2, "refresh delay", "s"));
        t.addSub("stats", "hide-version", ALL, false, (c, p, l) -> on(p, l).hideVersion = true);
        t.addSub("stats", "admin", ALL, false, StatsKeywords::admin);
        for (String cosmetic : new String[] {"show-node", "show-desc", "show-legends", "show-modules", "scope",
                "bind-process", "http-request"}) {
            t.addSub("stats", cosmetic, ALL, false, (c, p, l) -> {
                on(p, l);
                c.ignored(l, "stats " + cosmetic, "accepted and not applied by l4lb's stats page");
            });
        }
    }

    private static StatsBuilder on(ProxyBuilder p, Line l) {
        if (!p.stats.enabled) {
            p.stats.enabled = true;
            p.stats.pos = l.pos(0);
        }
        return p.stats;
    }

    /** {@code stats admin if|unless COND}: only an unconditional TRUE turns admin on; l4lb does not evaluate other conditions here. */
    private static void admin(ParseContext c, ProxyBuilder p, Line l) {
        if (!l.has(2)) {
            throw new BadValue(2, "missing condition (expected: stats admin if|unless CONDITION, e.g. if TRUE)");
        }
        Condition cond = RuleKeywords.condition(p, l, 2, false);
        boolean always = !cond.unless() && cond.anyOf().size() == 1 && cond.anyOf().get(0).size() == 1
                && !cond.anyOf().get(0).get(0).negated() && cond.anyOf().get(0).get(0).inline() != null
                && cond.anyOf().get(0).get(0).inline().criterion().equals("always_true");
        on(p, l).admin = always;
        if (!always) {
            c.warn(l.pos(2), "stats admin", "only 'stats admin if TRUE' is supported: admin actions stay off "
                    + "(the admin API section grants them with a token)");
        }
    }
}
