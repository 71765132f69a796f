package io.l4lb.core.config.parse;

import io.l4lb.core.config.ConfigException;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.SourcePos;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads config sources in order (like {@code haproxy -f a -f b}): lexes each, splits it into
 * sections by their header keyword (indented or not) and feeds every line to the section's
 * keyword table. Then {@link Assembler} checks cross references and builds the immutable
 * {@link L4Config}. All errors are collected; nothing is returned when there is one.
 */
public final class ConfigLoader {
    /** One config text and the name used in diagnostics. */
    public record Source(String name, String text) {}

    static final Set<String> SECTIONS = Set.of("global", "defaults", "frontend", "backend", "listen", "resolvers",
            "vrrp", "admin");
    /** HAProxy sections l4lb has no use for: accepted with a warning, their lines skipped. */
    static final Set<String> IGNORED_SECTIONS = Set.of("userlist", "peers", "mailers", "program", "http-errors",
            "ring", "cache", "fcgi-app", "log-forward", "crt-store", "traces");
    private static final java.util.regex.Pattern PROXY_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]+");

    final Diagnostics diag = new Diagnostics();
    final ParseContext ctx = new ParseContext(diag);
    final GlobalKeywords.Builder global = new GlobalKeywords.Builder();
    final Map<String, ProxyBuilder> namedDefaults = new LinkedHashMap<>();
    ProxyBuilder lastDefaults;
    final List<ProxyBuilder> proxies = new ArrayList<>();
    final Map<String, ExtraSections.Resolvers> resolvers = new LinkedHashMap<>();
    final List<ExtraSections.Vrrp> vrrps = new ArrayList<>();
    ExtraSections.Admin admin;

    private java.util.function.Consumer<Line> current;
    private Runnable endCurrent = () -> { };

    private ConfigLoader() {
    }

    public static L4Config load(List<Source> sources) throws ConfigException {
        ConfigLoader loader = new ConfigLoader();
        for (Source s : sources) {
            loader.readSource(s);
        }
        L4Config config = new Assembler(loader).assemble(sources.isEmpty() ? "" : sources.get(0).name());
        if (loader.diag.hasErrors()) {
            throw new ConfigException(loader.diag.errors(), loader.diag.warnings());
        }
        return config;
    }

    private void readSource(Source s) {
        current = null;
        for (Line l : new Lexer(s.name(), diag).lex(s.text())) {
            String kw = l.arg(0);
            if (SECTIONS.contains(kw) || IGNORED_SECTIONS.contains(kw)) {
                endCurrent.run();
                endCurrent = () -> { };
                open(l);
            } else if (current == null) {
                diag.error(l.pos(0), kw, "keyword outside any section (expected: a section header first: "
                        + "global, defaults, frontend, backend, listen, resolvers, vrrp, admin)");
            } else {
                current.accept(l);
            }
        }
        endCurrent.run();
        endCurrent = () -> { };
    }

    private void open(Line l) {
        String kw = l.arg(0);
        current = line -> { };
        try {
            switch (kw) {
                case "global" -> {
                    Values.noMore(l, 0);
                    if (global.pos == SourcePos.NONE) {
                        global.pos = l.pos(0);
                    }
                    current = line -> globalLine(line);
                }
                case "defaults", "frontend", "backend", "listen" -> openProxy(l);
                case "resolvers" -> {
                    String name = name(l, "resolvers");
                    Values.noMore(l, 1);
                    ExtraSections.Resolvers r = new ExtraSections.Resolvers(name, l.pos(1));
                    if (resolvers.putIfAbsent(name, r) != null) {
                        throw new BadValue(1, "duplicate resolvers section '" + name + "' (first at " + resolvers.get(name).pos + ")");
                    }
                    current = line -> ExtraSections.RESOLVERS.dispatch(ctx, r, line, KeywordTable.ALL, "resolvers");
                    endCurrent = () -> {
                        if (r.nameservers.isEmpty() && !r.parseResolvConf) {
                            diag.error(r.pos, "resolvers", "section '" + r.name + "' has no nameserver "
                                    + "(expected: nameserver NAME IP:PORT or parse-resolv-conf)");
                        }
                    };
                }
                case "vrrp" -> {
                    ExtraSections.Vrrp v = new ExtraSections.Vrrp(name(l, "vrrp"), l.pos(1));
                    Values.noMore(l, 1);
                    vrrps.add(v);
                    current = line -> ExtraSections.VRRP.dispatch(ctx, v, line, KeywordTable.ALL, "vrrp");
                }
                case "admin" -> {
                    Values.noMore(l, 0);
                    if (admin != null) {
                        throw new BadValue(0, "only one admin section is allowed (first at " + admin.pos + ")");
                    }
                    ExtraSections.Admin a = new ExtraSections.Admin(l.pos(0));
                    admin = a;
                    current = line -> ExtraSections.ADMIN.dispatch(ctx, a, line, KeywordTable.ALL, "admin");
                }
                default -> diag.ignored(l.pos(0), kw, "section ignored: l4lb has no use for '" + kw + "' sections");
            }
        } catch (BadValue e) {
            diag.error(l.pos(e.word()), kw, e.getMessage());
        }
    }

    private void globalLine(Line l) {
        String kw = l.arg(0);
        if (kw.startsWith("tune.") || kw.startsWith("ssl-") && !GlobalKeywords.TABLE.keywords().contains(kw)) {
            ctx.ignored(l, kw, "ignored: HAProxy tuning/TLS setting that l4lb does not use");
            return;
        }
        if (kw.startsWith("lua")) {
            diag.error(l.pos(0), kw, "Lua is not supported: l4lb has no Lua runtime (expected: no Lua scripts)");
            return;
        }
        GlobalKeywords.TABLE.dispatch(ctx, global, l, KeywordTable.ALL, "global");
    }

    private String name(Line l, String what) {
        String n = Values.need(l, 1, what + " name");
        if (!PROXY_NAME.matcher(n).matches()) {
            throw new BadValue(1, "invalid name '" + n + "' (expected: letters, digits, '-', '_', '.', ':')");
        }
        return n;
    }

    private void openProxy(Line l) {
        ProxyBuilder.Kind kind = ProxyBuilder.Kind.valueOf(l.arg(0).toUpperCase());
        int i = 1;
        String name = null;
        if (kind != ProxyBuilder.Kind.DEFAULTS || (l.has(1) && !l.arg(1).equals("from"))) {
            name = name(l, kind.word());
            i = 2;
        }
        String legacyAddr = null;
        int legacyWord = -1;
        if (kind == ProxyBuilder.Kind.LISTEN && l.has(i) && !l.arg(i).equals("from")) {
            legacyAddr = l.arg(i);
            legacyWord = i;
            i++;
        }
        // A defaults section starts fresh unless it says "from"; a proxy uses the last defaults.
        ProxyBuilder defaults = kind == ProxyBuilder.Kind.DEFAULTS ? null : lastDefaults;
        if (l.has(i)) {
            if (!l.arg(i).equals("from")) {
                throw new BadValue(i, "unexpected '" + l.arg(i) + "' (expected: from DEFAULTS-NAME)");
            }
            String from = Values.need(l, i + 1, "defaults section name");
            defaults = namedDefaults.get(from);
            if (defaults == null) {
                throw new BadValue(i + 1, "unknown defaults section '" + from + "'"
                        + Suggest.didYouMean(from, namedDefaults.keySet()) + " " + Suggest.expected(namedDefaults.keySet()));
            }
            Values.noMore(l, i + 1);
        }
        ProxyBuilder p = new ProxyBuilder(kind, name, l.pos(name == null ? 0 : 1), defaults);
        if (kind == ProxyBuilder.Kind.DEFAULTS) {
            lastDefaults = p;
            if (name != null) {
                namedDefaults.put(name, p);
            }
        } else {
            checkUniqueName(p, l);
            proxies.add(p);
        }
        if (legacyAddr != null) {
            Line bind = new Line(l.file(), l.number(), List.of(new Word("bind", l.words().get(legacyWord).col(), false),
                    l.words().get(legacyWord)));
            diag.warn(l.pos(legacyWord), "listen", "an address on the listen line is pre-1.5 syntax (HAProxy 2.6 "
                    + "rejects it): read as 'bind " + legacyAddr + "', please write it that way");
            ProxyKeywords.TABLE.dispatch(ctx, p, bind, kind.caps, kind.word());
        }
        current = line -> ProxyKeywords.TABLE.dispatch(ctx, p, line, p.kind.caps, p.kind.word());
        endCurrent = () -> endProxy(p);
    }

    private void checkUniqueName(ProxyBuilder p, Line l) {
        for (ProxyBuilder q : proxies) {
            boolean clash = q.name.equals(p.name) && ((q.isFrontend() && p.isFrontend()) || (q.isBackend() && p.isBackend()));
            if (clash) {
                throw new BadValue(1, "duplicate proxy name '" + p.name + "': " + q.kind.word() + " '" + q.name
                        + "' is at " + q.pos + " (expected: a unique name)");
            }
        }
    }

    /** Checks the named ACLs the section's conditions use. */
    private void endProxy(ProxyBuilder p) {
        List<String> names = RuleKeywords.names(p.acls);
        for (ProxyBuilder.AclRef ref : p.aclRefs) {
            if (names.contains(ref.name())) {
                continue;
            }
            if (p.layer7Acls.contains(ref.name())) {
                diag.error(ref.pos(), ref.keyword(), "ACL '" + ref.name() + "' uses a layer-7 fetch and cannot decide "
                        + "at layer 4 (expected: an ACL on src, dst, ports or the TLS ClientHello)");
            } else {
                diag.error(ref.pos(), ref.keyword(), "unknown ACL '" + ref.name() + "'" + Suggest.didYouMean(ref.name(), names)
                        + " (expected: an ACL declared in this section, or TRUE, FALSE, LOCALHOST, HTTP, REQ_CONTENT, WAIT_END)");
            }
        }
    }
}
