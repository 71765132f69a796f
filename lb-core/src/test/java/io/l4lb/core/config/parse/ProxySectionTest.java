package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.Cfg.errors;
import static io.l4lb.core.config.parse.Cfg.ok;
import static io.l4lb.core.config.parse.Cfg.warnings;
import static io.l4lb.core.config.parse.Cfg.withDefaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ProxyMode;
import io.l4lb.core.sched.SchedulerRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxySectionTest {
    @Test
    void listenIsAFrontendAndABackendOfTheSameName() {
        L4Config c = ok(withDefaults("listen db\n bind 127.0.0.1:3306\n server a 10.0.0.1:3306 check\n"));
        FrontendConfig f = c.frontends().get("db");
        BackendConfig b = c.backends().get("db");
        assertEquals("db", f.defaultBackend());
        assertEquals(List.of(new BindConfig("127.0.0.1", 3306, 3306, false, false, false, null, f.binds().get(0).pos())), f.binds());
        assertEquals("t.cfg:7:7", f.binds().get(0).pos().toString());
        assertEquals(1, b.servers().size());
        assertEquals(ProxyMode.TCP, b.mode());
        assertEquals(Duration.ofSeconds(1), b.timeouts().connect());
        assertEquals(3, b.retries());
    }

    @Test
    void modeDefaultsToTcpWithoutAnyDefaultsSection() {
        L4Config c = ok("frontend f\n bind :1\n timeout client 1s\n default_backend b\n"
                + "backend b\n timeout connect 1s\n timeout server 1s\n server s 10.0.0.1:1\n");
        assertEquals(ProxyMode.TCP, c.frontends().get("f").mode());
        assertEquals(ProxyMode.TCP, c.backends().get("b").mode());
    }

    @Test
    void namedDefaultsAndFrom() {
        L4Config c = ok("defaults A\n timeout connect 1s\n timeout client 2s\n timeout server 3s\n retries 7\n"
                + "defaults B\n timeout connect 9s\n timeout client 9s\n timeout server 9s\n"
                + "listen x from A\n bind :1\n server s 10.0.0.1:1\n"
                + "listen y\n bind :2\n server s 10.0.0.1:1\n");
        assertEquals(7, c.backends().get("x").retries());
        assertEquals(Duration.ofSeconds(2), c.frontends().get("x").timeouts().client());
        assertEquals(Duration.ofSeconds(9), c.backends().get("y").timeouts().connect());
        assertEquals(3, c.backends().get("y").retries());
    }

    @Test
    void unknownFromIsAnErrorWithSuggestion() {
        assertEquals(List.of("t.cfg:3:15: 'listen': unknown defaults section 'REDSI', did you mean 'REDIS'? (expected: REDIS)"),
                errors("defaults REDIS\n mode tcp\nlisten x from REDSI\n bind :1\n"));
    }

    @Test
    void bindForms() {
        L4Config c = ok(withDefaults("frontend f\n bind :80\n bind *:81\n bind :::443 v4v6\n bind [::1]:82 v6only\n"
                + " bind 10.0.0.1:20000-20010,10.0.0.2:90 name multi accept-proxy\n default_backend b\n"
                + "backend b\n server s 10.0.0.1\n"));
        List<BindConfig> binds = c.frontends().get("f").binds();
        assertEquals(6, binds.size());
        assertNull(binds.get(0).host());
        assertEquals(80, binds.get(0).portLow());
        assertNull(binds.get(1).host());
        assertEquals("::", binds.get(2).host());
        assertTrue(binds.get(2).v4v6());
        assertEquals("::1", binds.get(3).host());
        assertTrue(binds.get(3).v6only());
        assertEquals(20000, binds.get(4).portLow());
        assertEquals(20010, binds.get(4).portHigh());
        assertEquals("multi", binds.get(4).name());
        assertTrue(binds.get(4).acceptProxy());
        assertEquals("10.0.0.2", binds.get(5).host());
        assertEquals(0, c.backends().get("b").servers().get(0).port());
    }

    @Test
    void bindErrors() {
        assertEquals(List.of(
                "t.cfg:7:7: 'bind': 'x.x.x.x' looks like a placeholder (expected: an IPv4/IPv6 address, '*' or nothing before ':PORT')",
                "t.cfg:8:7: 'bind': '10.0.0.1' has no port (expected: [ADDR]:PORT[-PORT], e.g. :443 or 10.0.0.1:443)",
                "t.cfg:9:7: 'bind': port 70000 out of range in ':70000' (expected: 1..65535)",
                "t.cfg:10:12: 'bind': 'ssl': TLS termination is not supported: l4lb passes TLS through and routes it by SNI "
                        + "(req.ssl_sni), it never holds certificates (expected: a plain bind and a TLS-terminating server behind l4lb)",
                "t.cfg:11:7: 'bind': '/run/x.sock': UNIX and abstract sockets are not supported: l4lb balances TCP over IP "
                        + "(expected: an IPv4/IPv6 address and port)",
                "t.cfg:12:7: 'bind': 'v4v6' needs an IPv6 address, got '10.0.0.1' (expected: e.g. :::1)",
                "t.cfg:13:10: 'bind': unknown bind option 'v6onyl', did you mean 'v6only'? (expected: accept-netscaler-cip, "
                        + "accept-proxy, backlog, defer-accept, gid, group, id, interface, level, maxconn, mode, mss, ...)",
                "t.cfg:14:7: 'bind': port range '90-80' ends before it starts (expected: LOW-HIGH with LOW <= HIGH)"),
                errors(withDefaults("frontend f\n bind x.x.x.x:443\n bind 10.0.0.1\n bind :70000\n bind :443 ssl crt /x.pem\n"
                        + " bind /run/x.sock\n bind 10.0.0.1:1 v4v6\n bind :2 v6onyl\n bind :90-80\n")));
    }

    @Test
    void twoListenersOnOneAddressAreRejected() {
        assertEquals(List.of("t.cfg:10:7: 'bind': address 0.0.0.0:80 is already bound by frontend 'a' at t.cfg:7:7 "
                + "(expected: one listener per address and port)",
                "t.cfg:11:7: 'bind': address 10.0.0.1:85-90 is already bound by frontend 'a' at t.cfg:8:7 "
                + "(expected: one listener per address and port)"),
                errors(withDefaults("frontend a\n bind :80\n bind 10.0.0.1:80-90\nfrontend b\n bind 0.0.0.0:80\n"
                        + " bind 10.0.0.1:85-90\n bind :::80\n")));
    }

    @Test
    void portZeroBindsAnEphemeralPortAndNeverConflicts() {
        L4Config c = ok(withDefaults("listen a\n bind 127.0.0.1:0\n server s 10.0.0.1:1\n"
                + "listen b\n bind 127.0.0.1:0\n server s 10.0.0.1:1\n"));
        assertEquals(0, c.frontends().get("a").binds().get(0).portLow());
        assertEquals(List.of("t.cfg:7:7: 'bind': port 0 out of range in ':0-5' (expected: 1..65535)"),
                errors(withDefaults("listen a\n bind :0-5\n")));
    }

    @Test
    void valuesAreValidated() {
        assertEquals(List.of(
                "t.cfg:7:10: 'maxconn': 'abc' is not an integer (expected: maxconn, 0..2147483647)",
                "t.cfg:8:18: 'timeout connect': '5x' is not a time (expected: timeout connect as a number with an optional "
                        + "unit us, ms, s, m, h or d, e.g. 5s)",
                "t.cfg:9:10: 'retries': 'many' is not an integer (expected: retries, 0..1000000)",
                "t.cfg:10:29: 'server': weight 300 out of range (expected: 0..256)"),
                errors(withDefaults("listen l\n maxconn abc\n timeout connect 5x\n retries many\n server s 10.0.0.1:1 weight 300\n")));
    }

    @Test
    void duplicateNamesAreRejected() {
        assertEquals(List.of(
                "t.cfg:8:9: 'server': duplicate server name 's' in backend 'b' (first defined at t.cfg:7:9)",
                "t.cfg:9:9: 'backend': duplicate proxy name 'b': backend 'b' is at t.cfg:6:9 (expected: a unique name)"),
                errors(withDefaults("backend b\n server s 10.0.0.1:1\n server s 10.0.0.2:1\nbackend b\n")));
        // frontends and backends have separate name spaces, as in HAProxy
        ok(withDefaults("frontend x\n bind :1\n default_backend x\nbackend x\n server s 10.0.0.1:1\n"));
    }

    @Test
    void unknownBackendTargetsSuggestTheClosestName() {
        assertEquals(List.of(
                "t.cfg:8:18: 'default_backend': unknown backend 'mysql_bakend', did you mean 'mysql_backend'? (expected: mysql_backend)",
                "t.cfg:9:14: 'use_backend': unknown backend 'nope' (expected: mysql_backend)"),
                errors(withDefaults("frontend f\n bind :1\n default_backend mysql_bakend\n use_backend nope if TRUE\n"
                        + "backend mysql_backend\n server s 10.0.0.1:1\n")));
    }

    @Test
    void balanceResolvesKeywordsAndSuggests() {
        L4Config c = ok(withDefaults("backend a\n balance leastconn\n server s 10.0.0.1:1\nbackend b\n server s 10.0.0.1:1\n"
                + "backend c\n balance\n server s 10.0.0.1:1\n"));
        assertEquals("leastconn", c.backends().get("a").balance().keyword());
        assertEquals(SchedulerRegistry.canonical("leastconn").orElse("wlc"), c.backends().get("a").balance().scheduler());
        assertEquals("roundrobin", c.backends().get("b").balance().keyword());
        assertEquals("roundrobin", c.backends().get("c").balance().keyword());
        List<String> errs = errors(withDefaults("backend a\n balance leastconns\n"));
        assertEquals(1, errs.size());
        assertTrue(errs.get(0).startsWith("t.cfg:7:10: 'balance': unknown algorithm 'leastconns', did you mean 'leastconn'? "
                + "(expected: "), errs.get(0));
        assertEquals(List.of("t.cfg:7:10: 'balance': algorithm 'uri' is not supported: l4lb balances at layer 4 (expected: "
                + String.join(", ", ProxyKeywords.knownBalance().stream().limit(12).toList()) + ", ...)"),
                errors(withDefaults("backend a\n balance uri\n")));
    }

    @Test
    void unknownKeywordSuggestsAndCollectsEveryError() {
        List<String> errs = errors(withDefaults("backend a\n balanse roundrobin\n optoin redispatch\n option redispach\n"));
        assertEquals(3, errs.size());
        assertTrue(errs.get(0).startsWith("t.cfg:7:2: 'balanse': unknown keyword in a backend section, did you mean 'balance'?"), errs.get(0));
        assertTrue(errs.get(1).startsWith("t.cfg:8:2: 'optoin': unknown keyword in a backend section, did you mean 'option'?"), errs.get(1));
        assertTrue(errs.get(2).startsWith("t.cfg:9:9: 'option': unknown option 'redispach', did you mean 'redispatch'?"), errs.get(2));
    }

    @Test
    void booleanOptionsAndNegation() {
        L4Config c = ok("defaults\n option redispatch\n option tcpka\n option allbackups\n timeout connect 1s\n timeout server 1s\n"
                + " timeout client 1s\nlisten l\n bind :1\n no option redispatch\n no option srvtcpka\n server s 10.0.0.1:1\n");
        BackendConfig b = c.backends().get("l");
        assertFalse(b.redispatch());
        assertFalse(b.srvTcpKa());
        assertTrue(c.frontends().get("l").cliTcpKa());
        assertTrue(b.allBackups());
        assertEquals(List.of("t.cfg:7:2: 'option tcp-check': cannot be negated with 'no'"),
                errors(withDefaults("listen l\n no option tcp-check\n")));
    }

    @Test
    void legacyTimeoutsAreReadWithAWarningNamingTheReplacement() {
        L4Config c = ok("defaults\n contimeout 5000\n clitimeout 50s\n srvtimeout 1m\nlisten l\n bind :1\n server s 10.0.0.1:1\n");
        assertEquals(Duration.ofSeconds(5), c.backends().get("l").timeouts().connect());
        assertEquals(Duration.ofSeconds(50), c.frontends().get("l").timeouts().client());
        assertEquals(Duration.ofMinutes(1), c.backends().get("l").timeouts().server());
        assertEquals("t.cfg:2:2: 'contimeout': removed in HAProxy 2.1 (HAProxy 2.6 rejects it), read as 'timeout connect': "
                + "please write 'timeout connect 5000'", c.warnings().get(0).toString());
    }

    @Test
    void timeoutsCarryEveryKindAndRejectOverflow() {
        L4Config c = ok(withDefaults("listen l\n bind :1\n timeout queue 2s\n timeout check 300ms\n timeout tunnel 1h\n"
                + " timeout client-fin 5s\n timeout server-fin 6s\n server s 10.0.0.1:1\n"));
        var t = c.backends().get("l").timeouts();
        assertEquals(Duration.ofSeconds(2), t.queue());
        assertEquals(Duration.ofMillis(300), t.check());
        assertEquals(Duration.ofHours(1), t.tunnel());
        assertEquals(Duration.ofSeconds(5), t.clientFin());
        assertEquals(Duration.ofSeconds(6), t.serverFin());
        assertEquals(List.of("t.cfg:7:18: 'timeout connect': '25d' is too large (expected: timeout connect at most "
                + "2147483647ms, about 24.8 days)"), errors(withDefaults("listen l\n timeout connect 25d\n")));
    }

    @Test
    void ignoredKeywordsWarnOncePerKeywordWithTheOtherLines() {
        List<String> w = warnings(withDefaults(" errorfile 400 /e/400.http\n errorfile 403 /e/403.http\n"
                + " errorfile 408 /e/408.http\n option httplog\nlisten l\n bind :1\n server s 10.0.0.1:1\n"));
        assertEquals(List.of(
                "t.cfg:6:2: 'errorfile': ignored: a layer-7 (HTTP) feature, l4lb forwards at layer 4 (also on lines 7, 8)",
                "t.cfg:9:2: 'option httplog': ignored: a layer-7 (HTTP) feature, l4lb forwards at layer 4"), w);
    }

    @Test
    void httpModeProxiesAreForwardedAsTcpWithAWarningUnlessStatsOnly() {
        L4Config c = ok(withDefaults("listen stats\n bind :8404\n mode http\n stats enable\n stats uri /s\n"
                + "listen web\n bind :80\n mode http\n server s 10.0.0.1:80\n"));
        assertEquals(List.of("t.cfg:11:8: 'listen': listen 'web' is in mode http: l4lb forwards it as tcp (layer 4), "
                + "HTTP processing does not happen"), c.warnings().stream().map(Object::toString).toList());
        assertFalse(c.backends().containsKey("stats"), "a stats-only listen has no backend");
        assertNull(c.frontends().get("stats").defaultBackend());
        assertEquals("/s", c.frontends().get("stats").stats().uri());
    }

    @Test
    void l4lbExtensionsForwardPersistSource() {
        L4Config c = ok(withDefaults("listen l\n bind 10.0.0.1:80\n forward dr\n persist 5m\n server s 10.0.1.1 check\n"
                + "listen t\n bind :25\n source 0.0.0.0 usesrc clientip\n server s 10.0.1.1:25\n"));
        assertEquals(ForwardStyle.DR, c.backends().get("l").forward());
        assertEquals(Duration.ofMinutes(5), c.backends().get("l").persist());
        assertTrue(c.backends().get("t").usesrcClientIp());
        assertNull(c.backends().get("t").persist());
        assertEquals(List.of(
                "t.cfg:7:10: 'persist': '300' has no unit (expected: persist DURATION with a unit, e.g. 300s)",
                "t.cfg:8:10: 'forward': unknown forwarding style 'nat' (expected: dr, proxy, tunnel)"),
                errors(withDefaults("listen l\n persist 300\n forward nat\n")));
    }

    @Test
    void sourceForms() {
        assertEquals(List.of(
                "t.cfg:7:9: 'source': 'gateway' is not an IP address (expected: source ADDR[:PORT] [usesrc clientip])",
                "t.cfg:8:24: 'source': 'usesrc client' (client IP and port) is not supported (expected: clientip)",
                "t.cfg:9:18: 'source': unexpected 'via' (expected: usesrc)"),
                errors(withDefaults("backend b\n source gateway\n source 0.0.0.0 usesrc client\n source 10.0.0.1 via x\n")));
        L4Config c = ok(withDefaults("backend b\n source 10.0.0.1:4000\n server s 10.0.0.2:1\n"));
        assertFalse(c.backends().get("b").usesrcClientIp());
        assertTrue(c.warnings().get(0).message().startsWith("a fixed source address is not applied"));
    }

    @Test
    void directRoutingCannotChangePortsOrSendProxyHeaders() {
        assertEquals(List.of(
                "t.cfg:9:9: 'server': send-proxy needs forward proxy: with forward tunnel l4lb does not terminate the "
                        + "connection (expected: no send-proxy)",
                "t.cfg:9:9: 'server': forward tunnel cannot change the destination port: server port 8080 differs from "
                        + "the listener port of frontend 'l' (expected: no port, or the same port)"),
                errors(withDefaults("listen l\n bind :80\n forward tunnel\n server s 10.0.0.1:8080 send-proxy\n")));
    }

    @Test
    void keywordsOutsideSectionsAndInTheWrongSection() {
        assertEquals(List.of("t.cfg:1:1: 'maxconn': keyword outside any section (expected: a section header first: "
                + "global, defaults, frontend, backend, listen, resolvers, vrrp, admin)"), errors("maxconn 5\n"));
        assertEquals(List.of("t.cfg:7:2: 'bind': ignored: not used in a backend section (allowed in: frontend, listen)"),
                warnings(withDefaults("backend b\n bind :80\n server s 10.0.0.1:1\n")));
    }

    @Test
    void legacyListenAddressIsReadAsBindWithAWarning() {
        L4Config c = ok(withDefaults("listen old 0.0.0.0:3306 # comment\n server s 10.0.0.1:3306\n"));
        assertEquals(3306, c.frontends().get("old").binds().get(0).portLow());
        assertEquals("t.cfg:6:12: 'listen': an address on the listen line is pre-1.5 syntax (HAProxy 2.6 rejects it): "
                + "read as 'bind 0.0.0.0:3306', please write it that way", c.warnings().get(0).toString());
    }
}
