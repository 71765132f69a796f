package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.Cfg.errors;
import static io.l4lb.core.config.parse.Cfg.ok;
import static io.l4lb.core.config.parse.Cfg.withDefaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.AclConfig;
import io.l4lb.core.config.Condition;
import io.l4lb.core.config.Condition.Term;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.TcpRequestRule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleKeywordsTest {
    private static final String BACKENDS = "backend a\n server s 10.0.0.1:1\nbackend b\n server s 10.0.0.2:1\n";

    private static FrontendConfig frontend(String lines) {
        return ok(withDefaults("frontend f\n bind :443\n default_backend a\n" + lines + BACKENDS)).frontends().get("f");
    }

    @Test
    void aclsAndUseBackendWithOrAndNegation() {
        FrontendConfig f = frontend(" acl h2 req.ssl_alpn -i h2\n acl sni req.ssl_sni -m found\n"
                + " acl lan src 10.0.0.0/8 192.168.0.0/255.255.0.0 ::1\n"
                + " use_backend b if !h2 sni || ! lan { dst_port 443 8000:8100 }\n use_backend a unless sni\n");
        assertEquals(List.of(new AclConfig("h2", "req.ssl_alpn", List.of("-i"), List.of("h2"), f.acls().get(0).pos()),
                new AclConfig("sni", "req.ssl_sni", List.of("-m", "found"), List.of(), f.acls().get(1).pos())), f.acls().subList(0, 2));
        assertEquals(List.of("10.0.0.0/8", "192.168.0.0/255.255.0.0", "::1"), f.acls().get(2).values());
        Condition c = f.useBackend().get(0).condition();
        assertFalse(c.unless());
        assertEquals(2, c.anyOf().size());
        assertEquals(List.of(new Term(true, "h2", null), new Term(false, "sni", null)), c.anyOf().get(0));
        assertEquals(new Term(true, "lan", null), c.anyOf().get(1).get(0));
        AclConfig inline = c.anyOf().get(1).get(1).inline();
        assertFalse(c.anyOf().get(1).get(1).negated());
        assertNull(inline.name());
        assertEquals("dst_port", inline.criterion());
        assertEquals(List.of("443", "8000:8100"), inline.values());
        assertEquals("b", f.useBackend().get(0).backend());
        assertTrue(f.useBackend().get(1).condition().unless());
        assertEquals("t.cfg:12:16", f.useBackend().get(0).condition().pos().toString());
    }

    @Test
    void tcpRequestRulesAndPredefinedAcls() {
        FrontendConfig f = frontend(" tcp-request inspect-delay 5s\n tcp-request content accept if { req.ssl_hello_type 1 }\n"
                + " tcp-request content accept if HTTP\n tcp-request connection reject if !LOCALHOST\n"
                + " tcp-request content reject\n use_backend b if !{ req.len 0 } WAIT_END\n"
                + " acl ssh payload(0,7) -m bin 5353482d322e30\n use_backend b if ssh\n");
        assertEquals(Duration.ofSeconds(5), f.inspectDelay());
        List<TcpRequestRule> r = f.tcpRequestRules();
        assertEquals(4, r.size());
        assertEquals(TcpRequestRule.Phase.CONTENT, r.get(0).phase());
        assertEquals(TcpRequestRule.Action.ACCEPT, r.get(0).action());
        assertEquals("req.ssl_hello_type", r.get(0).condition().anyOf().get(0).get(0).inline().criterion());
        assertEquals("req.proto_http", r.get(1).condition().anyOf().get(0).get(0).inline().criterion());
        Term localhost = r.get(2).condition().anyOf().get(0).get(0);
        assertTrue(localhost.negated());
        assertEquals(List.of("127.0.0.1/8", "::1"), localhost.inline().values());
        assertEquals(TcpRequestRule.Phase.CONNECTION, r.get(2).phase());
        assertNull(r.get(3).condition());
        List<Term> terms = f.useBackend().get(0).condition().anyOf().get(0);
        assertTrue(terms.get(0).negated());
        assertEquals("wait_end", terms.get(1).inline().criterion());
        assertEquals(List.of("-m", "bin"), f.acls().get(0).flags());
    }

    @Test
    void conditionErrors() {
        assertEquals(List.of(
                "t.cfg:9:19: 'use_backend': '{' must be followed by a space (expected: { fetch value })",
                "t.cfg:10:19: 'use_backend': unclosed '{' (expected: a '}' word closing the anonymous ACL)",
                "t.cfg:11:21: 'use_backend': 'hdr(host)' is a layer-7 fetch: l4lb sees only addresses, ports and the TLS "
                        + "ClientHello (expected: src, dst, src_port, dst_port, req.ssl_sni, req.ssl_hello_type, req.len, payload(...))",
                "t.cfg:12:16: 'use_backend': unexpected 'when' (expected: if or unless followed by a condition)",
                "t.cfg:13:19: 'use_backend': '||' without a term before it (expected: TERM || TERM)"),

                errors(withDefaults("frontend f\n bind :1\n default_backend a\n use_backend b if {src 1.2.3.4}\n"
                        + " use_backend b if { src 1.2.3.4\n use_backend b if { hdr(host) -i x }\n use_backend b when x\n"
                        + " use_backend b if || x\n acl x src_prot 1\n acl y src 10.0.0.300\n tcp-request content lua.pick\n"
                        + " tcp-request content track-sc0 src\n use_backend b if METH_GET\n acl internal src 10.0.0.0/8\n"
                        + " use_backend b if internl\n" + BACKENDS)).subList(0, 5));
        List<String> rest = errors(withDefaults("frontend f\n bind :1\n default_backend a\n acl x src_prot 1\n acl y src 10.0.0.300\n"
                + " tcp-request content lua.pick\n tcp-request content track-sc0 src\n use_backend b if METH_GET\n"
                + " acl internal src 10.0.0.0/8\n use_backend b if internl\n" + BACKENDS));
        assertTrue(rest.get(0).startsWith("t.cfg:9:8: 'acl': unknown fetch 'src_prot', did you mean 'src_port'?"), rest.get(0));
        assertEquals(List.of(
                "t.cfg:10:12: 'acl': '10.0.0.300' is not an address (expected: IP or IP/PREFIX for src)",
                "t.cfg:11:22: 'tcp-request content': Lua actions ('lua.pick') are not supported: l4lb has no Lua runtime "
                        + "(expected: accept or reject)",
                "t.cfg:12:22: 'tcp-request content': action 'track-sc0' is not supported (expected: accept, reject)",
                "t.cfg:13:19: 'use_backend': predefined ACL 'METH_GET' needs layer 7 (expected: TRUE, FALSE, LOCALHOST, HTTP, "
                        + "REQ_CONTENT, WAIT_END or an ACL of this section)",
                "t.cfg:15:19: 'use_backend': unknown ACL 'internl', did you mean 'internal'? (expected: an ACL declared in this "
                        + "section, or TRUE, FALSE, LOCALHOST, HTTP, REQ_CONTENT, WAIT_END)"), rest.subList(1, 6));
    }

    @Test
    void layer7AclsInHttpProxiesAreWarningsUnlessUsed() {
        var c = ok(withDefaults("listen stats\n bind :8080\n mode http\n stats enable\n acl getpid path /pids\n"));
        assertEquals("t.cfg:10:13: 'acl': ACL 'getpid' uses the layer-7 fetch 'path' and is ignored: l4lb forwards this "
                + "http proxy as tcp", c.warnings().get(0).toString());
        assertEquals(List.of("t.cfg:11:19: 'use_backend': ACL 'x' uses a layer-7 fetch and cannot decide at layer 4 (expected: an ACL on "
                + "src, dst, ports or the TLS ClientHello)"),
                errors(withDefaults("frontend f\n bind :1\n mode http\n acl x path /x\n default_backend a\n use_backend b if x\n"
                        + BACKENDS)));
    }

    @Test
    void statsBlock() {
        var f = ok(withDefaults("listen stats\n bind :8404\n mode http\n stats uri /haproxy?stats\n stats realm Haproxy\\ Statistics\n"
                + " stats auth admin:admin\n stats auth ops:secret\n stats refresh 10\n stats hide-version\n stats admin if TRUE\n"))
                .frontends().get("stats").stats();
        assertTrue(f.enabled());
        assertEquals("/haproxy?stats", f.uri());
        assertEquals("Haproxy Statistics", f.realm());
        assertEquals(List.of("admin:admin", "ops:secret"), f.auth());
        assertEquals(Duration.ofSeconds(10), f.refresh());
        assertTrue(f.hideVersion());
        assertTrue(f.admin());
        var c = ok(withDefaults("listen stats\n bind :8404\n mode http\n stats enable\n stats admin if LOCALHOST\n"));
        assertFalse(c.frontends().get("stats").stats().admin());
        assertEquals(List.of("t.cfg:10:13: 'stats auth': 'admin' is not user:password (expected: stats auth USER:PASSWORD)"),
                errors(withDefaults("listen stats\n bind :8404\n mode http\n stats enable\n stats auth admin\n")));
    }
}
