package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.l4lb.health.testing.Loop;
import io.l4lb.health.testing.ScriptedServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code option smtpchk} and {@code option ldap-check} against small scripted fake servers on
 * loopback (no real MTA or LDAP server is installed here): they speak the wire protocol the checks
 * need -- SMTP banner / HELO / multi-line replies / QUIT, and an LDAP BindResponse in BER.
 */
class SmtpLdapCheckerTest {
    private static final Loop LOOP = new Loop();
    private final List<String> received = new CopyOnWriteArrayList<>();

    @AfterAll
    static void stop() {
        LOOP.close();
    }

    private ScriptedServer smtp(String banner, String heloReply) throws Exception {
        return smtp(banner, heloReply, received);
    }

    /** {@code into} gets every line the checker sent; its own list per server, as a server's thread may still add QUIT after the check returned. */
    private static ScriptedServer smtp(String banner, String heloReply, List<String> into) throws Exception {
        return new ScriptedServer(s -> {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out.write(banner.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                into.add(line);
                out.write((line.equals("QUIT") ? "221 bye\r\n" : heloReply).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        });
    }

    @Test
    void smtpBannerAndHeloPassAndQuitIsSent() throws Exception {
        List<String> first = new CopyOnWriteArrayList<>();
        try (ScriptedServer srv = smtp("220-mx.example ESMTP\r\n220 ready\r\n", "250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n", first)) {
            CheckResult r = LOOP.run(new SmtpChecker("EHLO lb.example"), LOOP.target(srv.address(), Duration.ofSeconds(2)));
            assertEquals(CheckStatus.L7OK, r.status(), r.toString());
            assertEquals(250, r.code());
            assertEquals("EHLO lb.example", first.getFirst());
            awaitLine(first, "QUIT");
        }
        List<String> second = new CopyOnWriteArrayList<>();
        try (ScriptedServer srv = smtp("220 hi\r\n", "250 ok\r\n", second)) {
            assertEquals(CheckStatus.L7OK, LOOP.run(new SmtpChecker(null), LOOP.target(srv.address(), Duration.ofSeconds(2))).status());
            assertEquals("HELO localhost", second.getFirst());
            awaitLine(second, "QUIT");
        }
    }

    /** The server thread reads what the checker sent after the check completed: poll, bounded. */
    private static void awaitLine(List<String> lines, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!lines.contains(expected) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertTrue(lines.contains(expected), "server never received " + expected + ": " + lines);
    }

    @Test
    void smtpBadBannerOrHeloReplyIsAWrongStatus() throws Exception {
        try (ScriptedServer srv = smtp("554 no service here\r\n", "250 ok\r\n")) {
            CheckResult r = LOOP.run(new SmtpChecker("mx"), LOOP.target(srv.address(), Duration.ofSeconds(2)));
            assertEquals(CheckStatus.L7STS, r.status());
            assertEquals(554, r.code());
            assertEquals("no service here", r.info());
        }
        try (ScriptedServer srv = smtp("220 hi\r\n", "421 too busy\r\n")) {
            CheckResult r = LOOP.run(new SmtpChecker("mx"), LOOP.target(srv.address(), Duration.ofSeconds(2)));
            assertEquals(CheckStatus.L7STS, r.status());
            assertEquals(421, r.code());
        }
    }

    private ScriptedServer ldap(int resultCode, boolean longForm) throws Exception {
        return new ScriptedServer(s -> {
            byte[] req = s.getInputStream().readNBytes(LdapChecker.BIND.length);
            assertArrayEquals(LdapChecker.BIND, req);
            received.add("bind");
            // BindResponse: 30 len { 02 01 01, 61 len { 0a 01 code, 04 00, 04 00 } }
            byte[] op = {0x61, 0x07, 0x0a, 0x01, (byte) resultCode, 0x04, 0x00, 0x04, 0x00};
            OutputStream out = s.getOutputStream();
            if (longForm) {
                out.write(new byte[] {0x30, (byte) 0x84, 0, 0, 0, 0x0c, 0x02, 0x01, 0x01});
            } else {
                out.write(new byte[] {0x30, 0x0c, 0x02, 0x01, 0x01});
            }
            out.write(op);
            out.flush();
            s.getInputStream().read();
        });
    }

    @Test
    void ldapAnonymousBindSuccessPasses() throws Exception {
        for (boolean longForm : new boolean[] {false, true}) {
            try (ScriptedServer srv = ldap(0, longForm)) {
                CheckResult r = LOOP.run(new LdapChecker(), LOOP.target(srv.address(), Duration.ofSeconds(2)));
                assertEquals(CheckStatus.L7OK, r.status(), r.toString());
            }
        }
        assertEquals(2, received.size());
    }

    @Test
    void ldapBindErrorIsAWrongStatusWithTheResultCode() throws Exception {
        try (ScriptedServer srv = ldap(49, false)) { // invalidCredentials
            CheckResult r = LOOP.run(new LdapChecker(), LOOP.target(srv.address(), Duration.ofSeconds(2)));
            assertEquals(CheckStatus.L7STS, r.status());
            assertEquals(49, r.code());
        }
        try (ScriptedServer srv = new ScriptedServer(s -> {
            s.getInputStream().read();
            s.getOutputStream().write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            CheckResult r = LOOP.run(new LdapChecker(), LOOP.target(srv.address(), Duration.ofSeconds(2)));
            assertEquals(CheckStatus.L7RSP, r.status());
            assertTrue(r.info().contains("not an LDAP"), r.info());
        }
    }
}
