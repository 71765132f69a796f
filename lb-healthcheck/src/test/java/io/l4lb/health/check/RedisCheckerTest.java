package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.l4lb.health.testing.ExternalServer;
import io.l4lb.health.testing.Loop;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code option redis-check} against a real redis-server with its own temp config on a free port. */
class RedisCheckerTest {
    private static final Loop LOOP = new Loop();
    private static ExternalServer redis;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() throws Exception {
        String bin = ExternalServer.require("redis-server", "RedisCheckerTest");
        Path dir = Files.createTempDirectory("l4lb-redis");
        int port = ExternalServer.freePort();
        Path conf = dir.resolve("redis.conf");
        Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nsave \"\"\nappendonly no\ndir " + dir
                + "\nlogfile \"\"\ndaemonize no\nprotected-mode yes\n");
        redis = ExternalServer.start(List.of(bin, conf.toString()), dir, port, "Ready to accept connections");
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
        LOOP.close();
    }

    private static String command(String... lines) throws Exception {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                out.write((l + "\r\n").getBytes(StandardCharsets.US_ASCII));
                int c;
                while ((c = in.read()) != -1 && c != '\n') {
                    if (c == '\r') {
                        continue;
                    }
                    sb.append((char) c);
                }
                sb.append('|');
            }
            return sb.toString();
        }
    }

    @Test
    void pingPongPasses() throws Exception {
        CheckResult r = LOOP.run(new RedisChecker(), LOOP.target(address, Duration.ofSeconds(3)));
        assertEquals(CheckStatus.L7OK, r.status(), r.toString());
    }

    @Test
    void authRequiredFailsWithTheServersError() throws Exception {
        assertTrue(command("CONFIG SET requirepass s3cret").startsWith("+OK"));
        try {
            CheckResult r = LOOP.run(new RedisChecker(), LOOP.target(address, Duration.ofSeconds(3)));
            assertEquals(CheckStatus.L7STS, r.status(), r.toString());
            assertTrue(r.info().startsWith("NOAUTH"), r.info());
        } finally {
            assertTrue(command("AUTH s3cret", "CONFIG SET requirepass \"\"").contains("+OK|+OK"));
        }
        assertEquals(CheckStatus.L7OK, LOOP.run(new RedisChecker(), LOOP.target(address, Duration.ofSeconds(3))).status());
    }
}
