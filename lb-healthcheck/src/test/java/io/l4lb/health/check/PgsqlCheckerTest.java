package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.l4lb.health.testing.ExternalServer;
import io.l4lb.health.testing.Loop;
import io.l4lb.health.testing.ScriptedServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code option pgsql-check user NAME}: against a real PostgreSQL when {@code postgres} and
 * {@code initdb} are installed (run as the {@code postgres} user through setpriv, since PostgreSQL
 * refuses root), and against a small scripted fake server on loopback for the password-request
 * and not-PostgreSQL cases, which need no real server.
 */
class PgsqlCheckerTest {
    private static final Loop LOOP = new Loop();

    @AfterAll
    static void stop() {
        LOOP.close();
    }

    private static String find(String bin) {
        for (String d : List.of("/usr/local/bin", "/usr/bin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin")) {
            if (Files.isExecutable(Path.of(d, bin))) {
                return Path.of(d, bin).toString();
            }
        }
        return null;
    }

    @Test
    void realPostgresqlAcceptsAKnownRoleAndRejectsAnUnknownOne() throws Exception {
        String postgres = find("postgres");
        String initdb = find("initdb");
        Assumptions.assumeTrue(postgres != null && initdb != null && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "PostgreSQL (postgres, initdb) or setpriv not installed: real pgsql-check test skipped, the scripted ones run");
        UserPrincipal pgUser;
        try {
            pgUser = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        } catch (java.io.IOException e) {
            Assumptions.abort("no 'postgres' system user to run PostgreSQL as: real pgsql-check test skipped");
            return;
        }
        Path dir = Files.createTempDirectory("l4lb-pgsql");
        Files.setOwner(dir, pgUser);
        List<String> asPg = List.of("/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups");
        ExternalServer pg = null;
        try {
            ExternalServer.runToEnd(concat(asPg, List.of(initdb, "-D", dir.resolve("data").toString(), "-A", "trust",
                    "-U", "postgres", "--no-sync")), dir);
            // Only the postgres role may log in over TCP: another role gets a FATAL ErrorResponse
            // before any Authentication message, which is what makes HAProxy's pgsql-check fail.
            Files.writeString(dir.resolve("data/pg_hba.conf"), "local all postgres trust\nhost all postgres 127.0.0.1/32 trust\n");
            int port = ExternalServer.freePort();
            pg = ExternalServer.start(concat(asPg, List.of(postgres, "-D", dir.resolve("data").toString(), "-p",
                    Integer.toString(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off")),
                    dir, port, "ready to accept connections");
            InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            CheckResult ok = LOOP.run(new PgsqlChecker("postgres"), LOOP.target(a, Duration.ofSeconds(5)));
            assertEquals(CheckStatus.L7OK, ok.status(), ok.toString());
            assertEquals("AuthenticationOk", ok.info());
            CheckResult bad = LOOP.run(new PgsqlChecker("nobody_here"), LOOP.target(a, Duration.ofSeconds(5)));
            assertEquals(CheckStatus.L7STS, bad.status(), bad.toString());
            assertTrue(bad.info().contains("nobody_here") && bad.info().startsWith("28000"), bad.info());
        } finally {
            if (pg != null) {
                pg.close();
            } else {
                ExternalServer.deleteTree(dir);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new java.util.ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    /** Fake server: reads the StartupMessage, checks the user, replies with an md5 password request. */
    @Test
    void passwordRequestCountsAsUpAndTheStartupMessageIsWellFormed() throws Exception {
        List<String> users = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ScriptedServer fake = new ScriptedServer(s -> {
            DataInputStream in = new DataInputStream(s.getInputStream());
            int len = in.readInt();
            byte[] body = new byte[len - 4];
            in.readFully(body);
            users.add(new String(body, 4, body.length - 4, StandardCharsets.UTF_8));
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeByte('R');
            out.writeInt(12);
            out.writeInt(5); // AuthenticationMD5Password
            out.writeInt(0x01020304);
            out.flush();
            in.read();
        })) {
            CheckResult r = LOOP.run(new PgsqlChecker("haproxy"), LOOP.target(fake.address(), Duration.ofSeconds(2)));
            assertEquals(CheckStatus.L7OK, r.status(), r.toString());
            assertEquals("authentication request type 5", r.info());
            assertEquals("user\0haproxy\0\0", users.getFirst());
        }
    }

    @Test
    void aNonPostgresReplyFails() throws Exception {
        try (ScriptedServer fake = new ScriptedServer(s -> {
            s.getInputStream().read();
            s.getOutputStream().write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            CheckResult r = LOOP.run(new PgsqlChecker("x"), LOOP.target(fake.address(), Duration.ofSeconds(2)));
            assertEquals(CheckStatus.L7RSP, r.status(), r.toString());
        }
    }
}
