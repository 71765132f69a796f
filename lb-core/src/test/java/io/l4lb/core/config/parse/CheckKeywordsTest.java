package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.Cfg.errors;
import static io.l4lb.core.config.parse.Cfg.ok;
import static io.l4lb.core.config.parse.Cfg.withDefaults;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.HealthCheckConfig;
import io.l4lb.core.config.HealthCheckConfig.Expect;
import io.l4lb.core.config.HealthCheckConfig.ExpectKind;
import io.l4lb.core.config.HealthCheckConfig.StepKind;
import io.l4lb.core.config.HealthCheckConfig.TcpCheckStep;
import io.l4lb.core.config.HealthCheckConfig.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckKeywordsTest {
    private static HealthCheckConfig check(String lines) {
        return ok(withDefaults("backend b\n" + lines + " server s 10.0.0.1:1 check\n")).backends().get("b").check();
    }

    @Test
    void noOptionMeansTcpConnect() {
        HealthCheckConfig c = check("");
        assertEquals(Type.TCP, c.type());
        assertTrue(c.tcpSteps().isEmpty());
    }

    @Test
    void tcpCheckRules() {
        HealthCheckConfig c = check(" option tcp-check\n tcp-check connect port 8008 send-proxy ssl\n"
                + " tcp-check send PING\\r\\n\n tcp-check send-binary 3a00ff\n tcp-check expect ! rstring ^-ERR.*\n"
                + " tcp-check expect binary 0a0B\n tcp-check comment \"the end\"\n");
        assertEquals(Type.TCP_CHECK, c.type());
        List<TcpCheckStep> s = c.tcpSteps();
        assertEquals(6, s.size());
        assertEquals(StepKind.CONNECT, s.get(0).kind());
        assertEquals(8008, s.get(0).port());
        assertTrue(s.get(0).sendProxy() && s.get(0).ssl());
        assertArrayEquals("PING\r\n".getBytes(StandardCharsets.US_ASCII), s.get(1).data());
        assertArrayEquals(new byte[] {0x3a, 0, (byte) 0xff}, s.get(2).data());
        assertEquals(new Expect(ExpectKind.RSTRING, true, "^-ERR.*"), s.get(3).expect());
        assertEquals(new Expect(ExpectKind.BINARY, false, "0a0B"), s.get(4).expect());
        assertEquals(StepKind.COMMENT, s.get(5).kind());
        assertEquals("t.cfg:9:2", s.get(1).pos().toString());
    }

    @Test
    void tcpCheckErrors() {
        assertEquals(List.of(
                "t.cfg:8:24: 'tcp-check send-binary': 'abc' is not hex bytes (expected: data to send as an even number of hex digits)",
                "t.cfg:9:27: 'tcp-check expect': invalid regex '(unclosed': Unclosed group (expected: a regular expression)",
                "t.cfg:10:19: 'tcp-check expect': unknown match 'strnig', did you mean 'string'? (expected: binary, rbinary, rstring, string)",
                "t.cfg:11:23: 'tcp-check send': unexpected 'World' (expected: end of line or comment TEXT; quote or escape spaces in the data)",
                "t.cfg:12:12: 'tcp-check set-var': 'tcp-check set-var(check.x)' is not supported (expected: connect, send, send-binary, expect, comment)"),
                errors(withDefaults("backend b\n option tcp-check\n tcp-check send-binary abc\n tcp-check expect rstring (unclosed\n"
                        + " tcp-check expect strnig x\n tcp-check send Hello World\n tcp-check set-var(check.x) int(1)\n")));
    }

    @Test
    void tcpCheckRulesOfDefaultsAreReplacedByOwnRules() {
        var c = ok("defaults\n timeout connect 1s\n timeout server 1s\n timeout client 1s\n option tcp-check\n tcp-check send A\n"
                + "backend x\n server s 10.0.0.1:1 check\nbackend y\n tcp-check send B\n server s 10.0.0.1:1 check\n");
        assertArrayEquals("A".getBytes(), c.backends().get("x").check().tcpSteps().get(0).data());
        assertEquals(1, c.backends().get("y").check().tcpSteps().size());
        assertArrayEquals("B".getBytes(), c.backends().get("y").check().tcpSteps().get(0).data());
    }

    @Test
    void httpchkForms() {
        HealthCheckConfig.HttpCheck h = check(" option httpchk\n").http();
        assertEquals(new HealthCheckConfig.HttpCheck("OPTIONS", "/", "HTTP/1.0", List.of(), null), h);
        assertEquals("/primary", check(" option httpchk /primary\n").http().uri());
        h = check(" option httpchk HEAD / HTTP/1.1\\r\\nHost:localhost\n http-check expect status 200\n").http();
        assertEquals(new HealthCheckConfig.HttpCheck("HEAD", "/", "HTTP/1.1", List.of("Host:localhost"),
                new Expect(ExpectKind.STATUS, false, "200")), h);
    }

    @Test
    void httpCheckSendConnectExpect() {
        HealthCheckConfig c = check(" option httpchk\n http-check connect port 8008 ssl\n"
                + " http-check send meth GET uri /replica ver HTTP/1.1 hdr Host db\n http-check expect ! rstatus ^5\n");
        assertEquals(Type.HTTP, c.type());
        assertEquals(new HealthCheckConfig.HttpCheck("GET", "/replica", "HTTP/1.1", List.of("Host: db"),
                new Expect(ExpectKind.RSTATUS, true, "^5")), c.http());
        assertEquals(1, c.tcpSteps().size());
        assertEquals(8008, c.tcpSteps().get(0).port());
        assertTrue(c.tcpSteps().get(0).ssl());
    }

    @Test
    void databaseAndProtocolChecks() {
        HealthCheckConfig m = check(" option mysql-check user haproxy post-41\n");
        assertEquals(Type.MYSQL, m.type());
        assertEquals("haproxy", m.user());
        assertEquals(Type.MYSQL, check(" option mysql-check\n").type());
        assertNull(check(" option mysql-check\n").user());
        HealthCheckConfig p = check(" option pgsql-check user postgres\n");
        assertEquals(Type.PGSQL, p.type());
        assertEquals("postgres", p.user());
        assertEquals(Type.REDIS, check(" option redis-check\n").type());
        HealthCheckConfig smtp = check(" option smtpchk EHLO lb.example.com\n");
        assertEquals(Type.SMTP, smtp.type());
        assertEquals("lb.example.com", smtp.smtpDomain());
        assertEquals(Type.LDAP, check(" option ldap-check\n").type());
        assertEquals(Type.SSL_HELLO, check(" option ssl-hello-chk\n").type());
        assertTrue(check(" option log-health-checks\n").logHealthChecks());
        assertEquals(Type.LDAP, check(" option mysql-check\n option ldap-check\n").type(), "the last option wins");
        assertEquals(List.of("t.cfg:7:21: 'option pgsql-check': missing 'user NAME' (expected: option pgsql-check user NAME)"),
                errors(withDefaults("backend b\n option pgsql-check\n")));
    }

    @Test
    void externalCheckFallsBackToTcpConnectWithAWarning() {
        var c = ok(withDefaults("backend b\n option external-check\n external-check command /bin/true\n"
                + " server s 10.0.0.1:1 check\n"));
        assertEquals(Type.TCP, c.backends().get("b").check().type());
        assertEquals("t.cfg:7:2: 'option external-check': external check scripts are not run by l4lb: servers with 'check' "
                + "get a plain TCP connect check (use option tcp-check/httpchk/mysql-check instead)", c.warnings().get(0).toString());
    }
}
