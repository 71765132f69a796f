package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.l4lb.health.testing.ExternalServer;
import io.l4lb.health.testing.Loop;
import io.l4lb.health.testing.ScriptedServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code option mysql-check user NAME} against a real MariaDB: the test initialises its own
 * datadir with mariadb-install-db in a temp dir, starts mariadbd on a free port and socket as root
 * ({@code --user=root}), creates a password-less check user through the socket, and stops the
 * server by PID afterwards.
 */
class MysqlCheckerTest {
    private static final Loop LOOP = new Loop();
    private static ExternalServer mariadb;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() throws Exception {
        String mariadbd = ExternalServer.require("mariadbd", "MysqlCheckerTest");
        String installDb = ExternalServer.require("mariadb-install-db", "MysqlCheckerTest");
        String client = ExternalServer.require("mariadb", "MysqlCheckerTest");
        Path dir = Files.createTempDirectory("l4lb-mariadb");
        try {
            ExternalServer.runToEnd(List.of(installDb, "--no-defaults", "--datadir=" + dir.resolve("data"),
                    "--user=root", "--skip-test-db", "--auth-root-authentication-method=socket"), dir);
            int port = ExternalServer.freePort();
            Path sock = dir.resolve("mysqld.sock");
            mariadb = ExternalServer.start(List.of(mariadbd, "--no-defaults", "--datadir=" + dir.resolve("data"),
                    "--user=root", "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + sock,
                    "--pid-file=" + dir.resolve("mysqld.pid"), "--skip-log-bin", "--innodb-buffer-pool-size=16M",
                    "--skip-name-resolve"), dir, port, "ready for connections");
            ExternalServer.runToEnd(List.of(client, "--no-defaults", "-S", sock.toString(), "-uroot", "-e",
                    "CREATE USER 'l4lb_check'@'127.0.0.1'; FLUSH PRIVILEGES;"), dir);
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        } catch (Throwable t) {
            if (mariadb == null) {
                ExternalServer.deleteTree(dir);
            }
            throw t;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (mariadb != null) {
            mariadb.close();
        }
        LOOP.close();
    }

    @Test
    void handshakeWithAnExistingPasswordlessUserPasses() throws Exception {
        CheckResult r = LOOP.run(new MysqlChecker("l4lb_check"), LOOP.target(address, Duration.ofSeconds(5)));
        assertEquals(CheckStatus.L7OK, r.status(), r.toString());
        assertEquals("MySQL authentication OK", r.info());
    }

    @Test
    void unknownUserIsRejectedWithTheServersErrorText() throws Exception {
        CheckResult r = LOOP.run(new MysqlChecker("nobody_here"), LOOP.target(address, Duration.ofSeconds(5)));
        assertEquals(CheckStatus.L7STS, r.status(), r.toString());
        assertEquals(1045, r.code(), "ER_ACCESS_DENIED_ERROR");
        assertTrue(r.info().contains("Access denied"), r.info());
    }

    @Test
    void withoutAUserAValidGreetingIsEnough() throws Exception {
        CheckResult r = LOOP.run(new MysqlChecker(null), LOOP.target(address, Duration.ofSeconds(5)));
        assertEquals(CheckStatus.L7OK, r.status(), r.toString());
        assertTrue(r.info().contains("MariaDB"), "server version in info: " + r.info());
    }

    @Test
    void aNonMysqlPeerFailsAtLayer7() throws Exception {
        try (ScriptedServer fake = new ScriptedServer(s -> s.getOutputStream().write("SSH-2.0-OpenSSH_9\r\n".getBytes()))) {
            CheckResult r = LOOP.run(new MysqlChecker("x"), LOOP.target(fake.address(), Duration.ofSeconds(2)));
            assertTrue(r.status() == CheckStatus.L7RSP, r.toString());
        }
    }

    @Test
    void authPacketIsHaproxyPost41Layout() {
        byte[] p = new MysqlChecker("ab").authPacket();
        // payload: 4 caps + 4 max + 1 charset + 23 reserved + "ab\0" + auth length byte 0 = 36
        assertEquals(36, p[0]);
        assertEquals(1, p[3], "sequence id 1");
        assertEquals((byte) 0x82, p[5], "CLIENT_PROTOCOL_41|CLIENT_SECURE_CONNECTION");
        assertEquals('a', p[36]);
    }
}
