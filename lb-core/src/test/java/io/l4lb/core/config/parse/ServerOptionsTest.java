package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.Cfg.errors;
import static io.l4lb.core.config.parse.Cfg.ok;
import static io.l4lb.core.config.parse.Cfg.withDefaults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.ServerConfig.InitState;
import io.l4lb.core.config.ServerConfig.MarkedAction;
import io.l4lb.core.config.ServerConfig.OnError;
import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import io.l4lb.core.config.ServerConfig.ServerOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {
    private static ServerConfig server(String line) {
        return ok(withDefaults("backend b\n resolvers dns\n" .replace(" resolvers dns\n", "") + " " + line + "\n"
                + "resolvers dns\n nameserver ns 10.0.0.53:53\n")).backends().get("b").servers().get(0);
    }

    @Test
    void everyOptionLandsInItsField() {
        ServerConfig s = server("server db1 db1.example.com:5432 check inter 3s fastinter 500ms downinter 10s rise 4 fall 5"
                + " weight 0 backup disabled maxconn 100 maxqueue 20 slowstart 1m send-proxy-v2 port 8008 addr 10.0.0.9"
                + " init-state down init-addr last,libc,none,10.0.0.1 check-ssl verify required ca-file /ca.pem"
                + " check-sni db.example.com on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions"
                + " observe layer4 error-limit 7 on-error mark-down agent-check agent-port 9999 agent-inter 4s"
                + " agent-addr 10.0.0.8 resolvers dns resolve-prefer ipv4");
        assertEquals("db1", s.name());
        assertEquals("db1.example.com", s.host());
        assertEquals(5432, s.port());
        ServerOptions o = s.options();
        assertEquals(new ServerOptions(true, Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofSeconds(10), 4, 5,
                0, true, true, 100, 20, Duration.ofMinutes(1), ProxyProtocol.V2, 8008, "10.0.0.9", InitState.DOWN,
                List.of("last", "libc", "none", "10.0.0.1"), true, true, "/ca.pem", "db.example.com",
                MarkedAction.SHUTDOWN_SESSIONS, MarkedAction.SHUTDOWN_BACKUP_SESSIONS, true, 7, OnError.MARK_DOWN,
                9999, Duration.ofSeconds(4), "10.0.0.8", "dns", "ipv4"), o);
    }

    @Test
    void defaultsAreHaproxysAndFastinterFollowsInter() {
        ServerOptions o = server("server s 10.0.0.1:80 inter 5s").options();
        assertEquals(ServerOptions.DEFAULTS.withTiming(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 2, 3), o);
        assertEquals(ServerOptions.DEFAULTS, server("server s 10.0.0.1:80").options());
    }

    @Test
    void defaultServerAppliesFromDefaultsAndBackend() {
        var c = ok("defaults\n timeout connect 1s\n timeout server 1s\n timeout client 1s\n default-server inter 10s weight 7\n"
                + "backend b\n default-server check rise 1\n server a 10.0.0.1:1\n server c 10.0.0.2:1 no-check weight 3\n");
        ServerOptions a = c.backends().get("b").servers().get(0).options();
        ServerOptions b = c.backends().get("b").servers().get(1).options();
        assertTrue(a.check());
        assertEquals(Duration.ofSeconds(10), a.inter());
        assertEquals(1, a.rise());
        assertEquals(7, a.weight());
        assertFalse(b.check());
        assertEquals(3, b.weight());
    }

    @Test
    void addressForms() {
        assertEquals("2001:db8::1", server("server s [2001:db8::1]:80").host());
        assertEquals(80, server("server s [2001:db8::1]:80").port());
        assertEquals("2001:db8::1", server("server s ipv6@2001:db8::1:80").host());
        ServerConfig noPort = server("server s mssql_primary");
        assertEquals("mssql_primary", noPort.host());
        assertEquals(0, noPort.port());
        assertEquals(42, server("server s 172.20.13.163:042").port());
    }

    @Test
    void sendProxyVariants() {
        assertEquals(ProxyProtocol.V1, server("server s 10.0.0.1:1 send-proxy").options().sendProxy());
        assertEquals(ProxyProtocol.V2, server("server s 10.0.0.1:1 send-proxy-v2-ssl-cn").options().sendProxy());
    }

    @Test
    void invalidServerLines() {
        List<String> errs = errors(withDefaults("backend b\n server a 10.0.0.1:1 chek\n server b <host>:80\n"
                + " server c 10.0.0.1:1 ssl\n server d 10.0.0.1:1 agent-check\n server e 10.0.0.1:1 inter 0\n"
                + " server f 10.0.0.1:1 observe layer7\n server g 10.0.0.1:1 init-addr last,dns\n server h\n"
                + " server i 10.0.0.1:1 resolvers nowhere\n server j 999.1.1.1:80\n"));
        assertEquals(List.of(
                "t.cfg:7:22: 'server': unknown server option 'chek', did you mean 'check'? (expected: backup, check, disabled, "
                        + "downinter, fall, fastinter, inter, maxconn, maxqueue, port, rise, send-proxy, ...)",
                "t.cfg:8:11: 'server': '<host>' looks like a placeholder (expected: an IP address or a DNS name)",
                "t.cfg:9:22: 'server': 'ssl' (TLS to the server) is not supported: l4lb passes the client's TLS through "
                        + "untouched (expected: no 'ssl'; 'check-ssl' is fine for health checks)",
                "t.cfg:10:2: 'server': 'agent-check' needs 'agent-port N' (expected: agent-check agent-port N)",
                "t.cfg:11:28: 'server': inter must be greater than 0 (expected: a time such as 2s)",
                "t.cfg:12:30: 'server': 'observe layer7' needs HTTP responses: l4lb observes layer 4 only (expected: layer4)",
                "t.cfg:13:32: 'server': unknown init-addr method 'dns' (expected: a comma list of last, libc, none or an IP address)",
                "t.cfg:14:11: 'server': missing server address (expected: server address)",
                "t.cfg:15:9: 'resolvers': server 'i' names unknown resolvers section 'nowhere' (expected: a name defined in the config; none is)",
                "t.cfg:16:11: 'server': '999.1.1.1' is neither an IP address nor a DNS name (expected: ADDR[:PORT])"), errs);
    }

    @Test
    void hostNamesAreKeptForResolutionAtRunTime() {
        ServerConfig s = server("server s redis-master:6379 check init-addr libc,none");
        assertEquals("redis-master", s.host());
        assertEquals(List.of("libc", "none"), s.options().initAddr());
        assertNull(s.options().resolvers());
    }
}
