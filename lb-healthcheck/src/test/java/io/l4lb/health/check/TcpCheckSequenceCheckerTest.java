package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.HealthCheckConfig.Expect;
import io.l4lb.core.config.HealthCheckConfig.ExpectKind;
import io.l4lb.core.config.HealthCheckConfig.StepKind;
import io.l4lb.core.config.HealthCheckConfig.TcpCheckStep;
import io.l4lb.core.config.SourcePos;
import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.l4lb.health.testing.Loop;
import io.l4lb.health.testing.ScriptedServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TcpCheckSequenceCheckerTest {
    private static final Loop LOOP = new Loop();
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

    @AfterAll
    static void close() {
        LOOP.close();
    }

    static TcpCheckStep connect(int port, boolean proxy) {
        return new TcpCheckStep(StepKind.CONNECT, port, proxy, false, null, null, SourcePos.NONE);
    }

    static TcpCheckStep send(String s) {
        return new TcpCheckStep(StepKind.SEND, 0, false, false, s.getBytes(StandardCharsets.ISO_8859_1), null, SourcePos.NONE);
    }

    static TcpCheckStep sendBinary(byte[] b) {
        return new TcpCheckStep(StepKind.SEND_BINARY, 0, false, false, b, null, SourcePos.NONE);
    }

    static TcpCheckStep expect(ExpectKind k, boolean neg, String p) {
        return new TcpCheckStep(StepKind.EXPECT, 0, false, false, null, new Expect(k, neg, p), SourcePos.NONE);
    }

    /** A line server: records each line, answers "+PONG" to PING, "ROLE master" to ROLE, then closes on QUIT. */
    private ScriptedServer redisLike() throws Exception {
        return new ScriptedServer(s -> serve(s));
    }

    private void serve(Socket s) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        String line;
        while ((line = in.readLine()) != null) {
            lines.add(line);
            switch (line) {
                case "PING" -> out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                case "ROLE" -> out.write("role:master\r\nconnected_slaves:0\r\n".getBytes(StandardCharsets.US_ASCII));
                case "QUIT" -> {
                    out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                default -> {
                    if (!line.startsWith("PROXY ")) {
                        out.write("-ERR unknown\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
            out.flush();
        }
    }

    private CheckResult run(ScriptedServer srv, List<TcpCheckStep> steps) throws Exception {
        return run(srv, steps, Duration.ofSeconds(2));
    }

    private CheckResult run(ScriptedServer srv, List<TcpCheckStep> steps, Duration timeout) throws Exception {
        return LOOP.run(new TcpCheckSequenceChecker(steps), LOOP.target(srv.address(), timeout));
    }

    @Test
    void redisMasterSequencePasses() throws Exception {
        try (ScriptedServer srv = redisLike()) {
            CheckResult r = run(srv, List.of(send("PING\r\n"), expect(ExpectKind.STRING, false, "+PONG"),
                    send("ROLE\r\n"), expect(ExpectKind.RSTRING, false, "role:mas.er"),
                    expect(ExpectKind.STRING, false, "connected_slaves"), send("QUIT\r\n"),
                    expect(ExpectKind.BINARY, false, "2b4f4b")));
            assertEquals(CheckStatus.L7OK, r.status(), r.toString());
        }
    }

    @Test
    void mismatchFailsWithTheRuleAndStep() throws Exception {
        try (ScriptedServer srv = redisLike()) {
            CheckResult r = run(srv, List.of(send("ROLE\r\n"), expect(ExpectKind.STRING, false, "role:slave")),
                    Duration.ofMillis(300));
            // the server keeps the connection open: the rule can only fail at the timeout or close;
            // ROLE reply does not contain the pattern, QUIT never comes -> timeout (Layer7)
            assertEquals(CheckStatus.L7TOUT, r.status(), r.toString());
            r = run(srv, List.of(send("ROLE\r\nQUIT\r\n"), expect(ExpectKind.STRING, false, "role:slave")));
            assertEquals(CheckStatus.L7RSP, r.status(), r.toString());
            assertTrue(r.info().contains("expect string 'role:slave'") && r.info().contains("step 2"), r.info());
        }
    }

    @Test
    void negatedRuleFailsOnThePatternAndPassesWhenAbsentAtClose() throws Exception {
        try (ScriptedServer srv = redisLike()) {
            CheckResult bad = run(srv, List.of(send("PING\r\n"), expect(ExpectKind.STRING, true, "PONG")));
            assertEquals(CheckStatus.L7RSP, bad.status());
            assertTrue(bad.info().contains("unwanted"), bad.info());
            CheckResult ok = run(srv, List.of(send("QUIT\r\n"), expect(ExpectKind.STRING, true, "-ERR")));
            assertEquals(CheckStatus.L7OK, ok.status(), ok.toString());
        }
    }

    @Test
    void sendBinaryAndRbinary() throws Exception {
        try (ScriptedServer srv = redisLike()) {
            CheckResult r = run(srv, List.of(sendBinary("PING\r\n".getBytes(StandardCharsets.US_ASCII)),
                    expect(ExpectKind.RBINARY, false, "^2B504F")));
            assertEquals(CheckStatus.L7OK, r.status(), r.toString());
        }
    }

    @Test
    void connectRulesWithPortAndSendProxyOpenNewConnections() throws Exception {
        try (ScriptedServer main = redisLike(); ScriptedServer other = redisLike()) {
            CheckResult r = run(main, List.of(connect(0, true), send("PING\r\n"), expect(ExpectKind.STRING, false, "+PONG"),
                    connect(other.port(), false), send("ROLE\r\n"), expect(ExpectKind.STRING, false, "role:master")));
            assertEquals(CheckStatus.L7OK, r.status(), r.toString());
            assertEquals(1, main.accepted());
            assertEquals(1, other.accepted());
            String proxyLine = lines.stream().filter(l -> l.startsWith("PROXY ")).findFirst().orElseThrow();
            assertTrue(proxyLine.matches("PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ " + main.port()), proxyLine);
        }
    }

    @Test
    void refusedSecondConnectFailsAtLayer4() throws Exception {
        try (ScriptedServer main = redisLike()) {
            int dead;
            try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
                dead = ss.getLocalPort();
            }
            CheckResult r = run(main, List.of(send("PING\r\n"), expect(ExpectKind.STRING, false, "+PONG"),
                    connect(dead, false), send("PING\r\n")));
            assertEquals(CheckStatus.L4CON, r.status());
        }
    }
}
