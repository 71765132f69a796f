package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.Cfg.errors;
import static io.l4lb.core.config.parse.Cfg.ok;
import static io.l4lb.core.config.parse.Cfg.withDefaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ResolversConfig;
import io.l4lb.core.config.VrrpConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** global, resolvers, and l4lb's vrrp and admin sections. */
class ExtraSectionsTest {
    private static final String BACKEND = "backend web\n server s 10.0.0.1:80\n";

    @Test
    void globalSettings() {
        L4Config c = ok("global\n maxconn 5000\n nbthread 4\n l4lb-transport io_uring\n hard-stop-after 30s\n spread-checks 5\n"
                + " daemon\n tune.ssl.default-dh-param 2048\nglobal\n user haproxy\n");
        assertEquals(new GlobalConfig(5000, 4, GlobalConfig.Transport.IO_URING, Duration.ofSeconds(30), 5, c.global().pos()), c.global());
        assertEquals("t.cfg:1:1", c.global().pos().toString());
        assertEquals(3, c.warnings().size());
        assertEquals(GlobalConfig.Transport.EPOLL, ok("global\n").global().transport());
        assertEquals(0, ok("frontend f\n").global().nbthread());
    }

    @Test
    void globalErrors() {
        List<String> e = errors("global\n nbthread 0\n l4lb-transport kqueue\n lua-load /x.lua\n spread-checks 60\n maxconn\n");
        assertEquals(List.of(
                "t.cfg:2:11: 'nbthread': nbthread 0 out of range (expected: 1..4096)",
                "t.cfg:3:17: 'l4lb-transport': unknown transport 'kqueue' (expected: epoll, io_uring, nio)",
                "t.cfg:4:2: 'lua-load': Lua is not supported: l4lb has no Lua runtime (expected: no Lua scripts)",
                "t.cfg:5:16: 'spread-checks': spread-checks percent 60 out of range (expected: 0..50)",
                "t.cfg:6:10: 'maxconn': missing maxconn (expected: maxconn)"), e);
    }

    @Test
    void resolversSection() {
        L4Config c = ok(withDefaults("resolvers dns\n nameserver a 10.0.0.53:53\n nameserver b [2001:db8::53]:5353\n hold valid 5s\n"
                + " resolve_retries 4\n timeout retry 2s\n timeout resolve 1s\n accepted_payload_size 8192\n"
                + "backend b\n server s db.example:5432 resolvers dns resolve-prefer ipv6\n"));
        ResolversConfig r = c.resolvers().get("dns");
        assertEquals(2, r.nameservers().size());
        assertEquals("2001:db8::53", r.nameservers().get(1).host());
        assertEquals(5353, r.nameservers().get(1).port());
        assertEquals(Duration.ofSeconds(5), r.holdValid());
        assertEquals(4, r.resolveRetries());
        assertEquals(Duration.ofSeconds(2), r.timeoutRetry());
        assertEquals("ipv6", c.backends().get("b").servers().get(0).options().resolvePrefer());
        assertEquals(List.of(
                "t.cfg:1:11: 'resolvers': section 'r' has no nameserver (expected: nameserver NAME IP:PORT or parse-resolv-conf)",
                "t.cfg:2:15: 'nameserver': 'dns.local:53' is not IP:PORT (expected: nameserver NAME IP:PORT, e.g. 10.0.0.2:53)",
                "t.cfg:3:7: 'hold': unknown hold status 'vaild', did you mean 'valid'? (expected: nx, obsolete, other, refused, timeout, valid)",
                "t.cfg:4:11: 'resolvers': section 'empty' has no nameserver (expected: nameserver NAME IP:PORT or parse-resolv-conf)"),
                errors("resolvers r\n nameserver a dns.local:53\n hold vaild 5s\nresolvers empty\n"));
    }

    @Test
    void vrrpSectionWithEveryKeyword() {
        L4Config c = ok(withDefaults(BACKEND + "vrrp VI_1\n interface eth0\n virtual-router-id 51\n priority 150\n advert-int 100ms\n"
                + " virtual-ipaddress 192.0.2.10/24 2001:db8::10/64\n virtual-ipaddress 192.0.2.11\n unicast-peer 10.0.0.2\n"
                + " unicast-peer 10.0.0.3\n nopreempt\n auth-key-file /etc/l4lb/vrrp.key\n track-backend web weight -50\n"
                + " notify /etc/l4lb/notify.sh\n"));
        VrrpConfig v = c.vrrp().get(0);
        assertEquals(new VrrpConfig("VI_1", "eth0", 51, 150, Duration.ofMillis(100),
                List.of("192.0.2.10/24", "2001:db8::10/64", "192.0.2.11"), List.of("10.0.0.2", "10.0.0.3"), false, Duration.ZERO,
                "/etc/l4lb/vrrp.key", List.of(new VrrpConfig.TrackBackend("web", -50)), "/etc/l4lb/notify.sh", v.pos()), v);
        VrrpConfig d = ok("vrrp v\n interface eth1\n virtual-router-id 1\n virtual-ipaddress 10.0.0.1\n preempt-delay 10\n").vrrp().get(0);
        assertEquals(100, d.priority());
        assertEquals(Duration.ofSeconds(1), d.advertInterval());
        assertTrue(d.preempt());
        assertEquals(Duration.ofSeconds(10), d.preemptDelay());
        assertTrue(d.unicastPeers().isEmpty());
    }

    @Test
    void vrrpErrors() {
        assertEquals(List.of(
                "t.cfg:1:6: 'vrrp': section 'a' has no interface (expected: interface NAME)",
                "t.cfg:1:6: 'vrrp': section 'a' has no virtual-router-id (expected: virtual-router-id 1..255)",
                "t.cfg:1:6: 'vrrp': section 'a' has no virtual-ipaddress (expected: virtual-ipaddress IP[/PREFIX])",
                "t.cfg:2:20: 'virtual-router-id': virtual-router-id 256 out of range (expected: 1..255)",
                "t.cfg:3:11: 'priority': priority 0 out of range (expected: 1..255)",
                "t.cfg:4:13: 'advert-int': advert-int 15ms is not a multiple of 10ms within 10ms..40950ms (expected: e.g. 1s or 100ms; "
                        + "RFC 5798 counts centiseconds)",
                "t.cfg:5:20: 'virtual-ipaddress': '192.0.2.300/24' is not an address (expected: IP or IP/PREFIX)",
                "t.cfg:6:27: 'track-backend': weight 10 out of range (expected: -254..-1)",
                "t.cfg:7:2: 'interfce': unknown keyword in a vrrp section, did you mean 'interface'? (expected: advert-int, "
                        + "auth-key-file, interface, nopreempt, notify, preempt-delay, priority, track-backend, unicast-peer, "
                        + "virtual-ipaddress, virtual-router-id)",
                "t.cfg:14:16: 'track-backend': unknown backend 'wbe', did you mean 'web'? (expected: web)",
                "t.cfg:15:6: 'vrrp': virtual-router-id 9 on eth0 is already used by vrrp 'b' (expected: a unique id per interface)"),
                errors("vrrp a\n virtual-router-id 256\n priority 0\n advert-int 15ms\n virtual-ipaddress 192.0.2.300/24\n"
                        + " track-backend web weight 10\n interfce eth0\n" + BACKEND.replace("backend", "backend") + "vrrp b\n"
                        + " interface eth0\n virtual-router-id 9\n virtual-ipaddress 10.0.0.1\n track-backend wbe\n"
                        + "vrrp c\n interface eth0\n virtual-router-id 9\n virtual-ipaddress 10.0.0.2\n"));
    }

    @Test
    void adminSection() {
        L4Config c = ok("admin\n bind 127.0.0.1:9900\n bind [::1]:9900\n token-file /etc/l4lb/token\n");
        assertEquals(2, c.admin().binds().size());
        assertEquals("/etc/l4lb/token", c.admin().tokenFile());
        assertNull(ok("global\n").admin());
        L4Config local = ok("admin\n bind 127.0.0.1:9900\n");
        assertNull(local.admin().tokenFile());
        assertEquals("t.cfg:1:1: 'admin': no token-file: anyone on this host can use the admin API", local.warnings().get(0).toString());
        assertEquals(List.of(
                "t.cfg:1:1: 'admin': an admin API reachable from the network needs a token (expected: token-file PATH, or bind to "
                        + "127.0.0.1 only)",
                "t.cfg:4:1: 'admin': only one admin section is allowed (first at t.cfg:1:1)"),
                errors("admin\n bind :9900\n\nadmin\n bind 127.0.0.1:9901\n"));
        assertEquals(List.of("t.cfg:1:1: 'admin': the admin section has no bind (expected: bind ADDR:PORT)"),
                errors("admin\n token-file /t\n"));
        assertEquals(List.of("t.cfg:5:7: 'bind': address 0.0.0.0:9900 is already bound by frontend 'f' at t.cfg:2:7 (expected: "
                + "one listener per address and port)"),
                errors("frontend f\n bind :9900\nadmin\n token-file /t\n bind 0.0.0.0:9900\n"));
    }

    @Test
    void ignoredSectionsWarnAndSkipTheirLines() {
        L4Config c = ok("userlist admins\n user admin insecure-password x\npeers p\n peer a 10.0.0.1:1024\n");
        assertEquals(List.of("t.cfg:1:1: 'userlist': section ignored: l4lb has no use for 'userlist' sections",
                "t.cfg:3:1: 'peers': section ignored: l4lb has no use for 'peers' sections"),
                c.warnings().stream().map(Object::toString).toList());
        assertFalse(c.frontends().containsKey("admins"));
    }
}
