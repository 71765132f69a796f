package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.KeywordTable.FE;
import static io.l4lb.core.config.parse.KeywordTable.FE_BE;

import io.l4lb.core.config.AclConfig;
import io.l4lb.core.config.BackendRule;
import io.l4lb.core.config.Condition;
import io.l4lb.core.config.ProxyMode;
import io.l4lb.core.config.TcpRequestRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer-4 routing and filtering: {@code acl}, {@code use_backend NAME [if|unless COND]},
 * {@code tcp-request connection|content accept|reject [if|unless COND]} and {@code tcp-request
 * inspect-delay}. Conditions follow HAProxy's grammar: terms ANDed by juxtaposition, {@code ||}
 * (or {@code or}) between groups, {@code !} negates (also as a separate word), {@code { ... }}
 * is an anonymous ACL.
 */
final class RuleKeywords {
    private RuleKeywords() {
    }

    static void register(KeywordTable<ProxyBuilder> t) {
        t.add("acl", FE_BE, RuleKeywords::acl);
        t.add("use_backend", FE, RuleKeywords::useBackend);
        t.addSub("tcp-request", "inspect-delay", FE_BE, false, (c, p, l) -> {
            p.inspectDelay = Values.duration(l, 2, "inspect-delay");
            Values.noMore(l, 2);
        });
        t.addSub("tcp-request", "connection", FE, false, (c, p, l) -> tcpRequest(c, p, l, TcpRequestRule.Phase.CONNECTION));
        t.addSub("tcp-request", "content", FE_BE, false, (c, p, l) -> tcpRequest(c, p, l, TcpRequestRule.Phase.CONTENT));
        t.addSub("tcp-request", "session", FE, false, (c, p, l) -> {
            throw new BadValue(1, "'tcp-request session' is not supported (expected: connection or content)");
        });
        t.add("tcp-response", FE_BE, (c, p, l) -> {
            throw new BadValue(0, "tcp-response rules are not supported: l4lb does not inspect server data");
        });
    }

    private static void acl(ParseContext c, ProxyBuilder p, Line l) {
        String name = Values.need(l, 1, "ACL name");
        if (!name.matches("[A-Za-z0-9_.:-]+")) {
            throw new BadValue(1, "invalid ACL name '" + name + "' (expected: letters, digits, '_', '.', '-', ':')");
        }
        String criterion = Values.need(l, 2, "criterion");
        if (AclCriteria.isLayer7(criterion)) {
            if (p.mode == ProxyMode.HTTP) {
                p.layer7Acls.add(name);
                c.warn(l.pos(2), "acl", "ACL '" + name + "' uses the layer-7 fetch '" + criterion
                        + "' and is ignored: l4lb forwards this http proxy as tcp");
                return;
            }
            throw new BadValue(2, layer7(criterion));
        }
        if (!AclCriteria.isKnown(criterion)) {
            throw new BadValue(2, unknownFetch(criterion));
        }
        p.acls.add(AclCriteria.parse(name, l, 2, l.size()));
    }

    private static void useBackend(ParseContext c, ProxyBuilder p, Line l) {
        String target = Values.need(l, 1, "backend name");
        if (target.contains("%[")) {
            throw new BadValue(1, "dynamic backend names ('" + target + "') are not supported "
                    + "(expected: use_backend NAME [if|unless CONDITION])");
        }
        Condition cond = condition(p, l, 2, true);
        p.useBackend.add(new BackendRule(target, cond, l.pos(1)));
    }

    private static void tcpRequest(ParseContext c, ProxyBuilder p, Line l, TcpRequestRule.Phase phase) {
        String action = Values.need(l, 2, "action");
        if (action.startsWith("lua.")) {
            throw new BadValue(2, "Lua actions ('" + action + "') are not supported: l4lb has no Lua runtime "
                    + "(expected: accept or reject)");
        }
        if (action.equals("capture")) {
            c.ignored(l, "tcp-request " + l.arg(1) + " capture", "ignored: captures only feed HAProxy's logs");
            return;
        }
        if (!action.equals("accept") && !action.equals("reject")) {
            throw new BadValue(2, "action '" + action + "' is not supported" + Suggest.didYouMean(action,
                    List.of("accept", "reject")) + " (expected: accept, reject)");
        }
        Condition cond = condition(p, l, 3, false);
        p.tcpRules.add(new TcpRequestRule(phase, action.equals("accept") ? TcpRequestRule.Action.ACCEPT
                : TcpRequestRule.Action.REJECT, cond, l.pos(0)));
    }

    /** Parses {@code [if|unless COND]} at word {@code at}; null when the line ends there. */
    static Condition condition(ProxyBuilder p, Line l, int at, boolean optional) {
        if (!l.has(at)) {
            return null;
        }
        String kw = l.arg(at);
        if (!kw.equals("if") && !kw.equals("unless")) {
            throw new BadValue(at, "unexpected '" + kw + "' (expected: if or unless followed by a condition)");
        }
        if (!l.has(at + 1)) {
            throw new BadValue(at + 1, "missing condition after '" + kw + "' (expected: ACL names or { fetch value })");
        }
        List<List<Condition.Term>> groups = new ArrayList<>();
        List<Condition.Term> cur = new ArrayList<>();
        boolean neg = false;
        for (int i = at + 1; i < l.size(); i++) {
            String w = l.arg(i);
            if (w.equals("||") || w.equals("or")) {
                if (cur.isEmpty()) {
                    throw new BadValue(i, "'" + w + "' without a term before it (expected: TERM || TERM)");
                }
                groups.add(cur);
                cur = new ArrayList<>();
                continue;
            }
            while (w.startsWith("!")) {
                neg = !neg;
                w = w.substring(1);
            }
            if (w.isEmpty()) {
                continue;
            }
            if (w.startsWith("{")) {
                if (!w.equals("{")) {
                    throw new BadValue(i, "'{' must be followed by a space (expected: { fetch value })");
                }
                int close = i + 1;
                while (close < l.size() && !l.arg(close).equals("}")) {
                    close++;
                }
                if (close >= l.size()) {
                    throw new BadValue(i, "unclosed '{' (expected: a '}' word closing the anonymous ACL)");
                }
                if (close == i + 1) {
                    throw new BadValue(i, "empty anonymous ACL (expected: { fetch value })");
                }
                String criterion = l.arg(i + 1);
                if (AclCriteria.isLayer7(criterion)) {
                    throw new BadValue(i + 1, layer7(criterion));
                }
                if (!AclCriteria.isKnown(criterion)) {
                    throw new BadValue(i + 1, unknownFetch(criterion));
                }
                cur.add(new Condition.Term(neg, null, AclCriteria.parse(null, l, i + 1, close)));
                i = close;
            } else if (w.equals("}")) {
                throw new BadValue(i, "'}' without '{' (expected: { fetch value })");
            } else if (AclCriteria.PREDEFINED.contains(w)) {
                cur.add(new Condition.Term(neg, null, AclCriteria.predefined(w, l.pos(i))));
            } else if (AclCriteria.isLayer7Predefined(w)) {
                throw new BadValue(i, "predefined ACL '" + w + "' needs layer 7 (expected: TRUE, FALSE, LOCALHOST, "
                        + "HTTP, REQ_CONTENT, WAIT_END or an ACL of this section)");
            } else {
                cur.add(new Condition.Term(neg, w, null));
                p.aclRefs.add(new ProxyBuilder.AclRef(w, l.arg(0), l.pos(i)));
            }
            neg = false;
        }
        if (cur.isEmpty()) {
            throw new BadValue(l.size() - 1, "condition ends without a term (expected: an ACL after '||' or '!')");
        }
        groups.add(cur);
        Condition cond = new Condition(kw.equals("unless"), groups, l.pos(at));
        p.conditions.add(cond);
        return cond;
    }

    static String layer7(String criterion) {
        return "'" + criterion + "' is a layer-7 fetch: l4lb sees only addresses, ports and the TLS ClientHello "
                + "(expected: src, dst, src_port, dst_port, req.ssl_sni, req.ssl_hello_type, req.len, payload(...))";
    }

    static String unknownFetch(String criterion) {
        return "unknown fetch '" + criterion + "'" + Suggest.didYouMean(AclCriteria.baseName(criterion),
                AclCriteria.known()) + " " + Suggest.expected(AclCriteria.known());
    }

    /** Names of ACLs defined in a section, for the end-of-section check of references. */
    static List<String> names(List<AclConfig> acls) {
        return acls.stream().map(AclConfig::name).distinct().toList();
    }
}
