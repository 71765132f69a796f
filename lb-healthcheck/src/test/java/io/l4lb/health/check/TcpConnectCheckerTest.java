package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.l4lb.health.testing.Loop;
import io.l4lb.health.testing.ScriptedServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TcpConnectCheckerTest {
    private static final Loop LOOP = new Loop();

    @AfterAll
    static void close() {
        LOOP.close();
    }

    @Test
    void listenerPassesAtLayer4() throws Exception {
        try (ScriptedServer srv = new ScriptedServer(s -> s.getInputStream().read())) {
            CheckResult r = LOOP.run(new TcpConnectChecker(), LOOP.target(srv.address(), Duration.ofSeconds(2)));
            assertEquals(CheckStatus.L4OK, r.status());
            assertTrue(r.durationNanos() > 0);
        }
    }

    @Test
    void closedPortIsRefusedAtLayer4() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        CheckResult r = LOOP.run(new TcpConnectChecker(),
                LOOP.target(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Duration.ofSeconds(2)));
        assertEquals(CheckStatus.L4CON, r.status());
        assertEquals("Connection refused", r.info());
        assertTrue(r.durationMillis() < 1000, "refusal is immediate: " + r.durationMillis());
    }

    /**
     * A listener whose accept queue is full drops further SYNs (Linux): the connect hangs and the
     * check must end as a Layer4 timeout at its bound.
     */
    @Test
    void unansweredConnectIsALayer4TimeoutAtItsBound() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                // fill the accept queue (backlog 1 holds 2 on Linux) without ever accepting
                for (int i = 0; i < 4; i++) {
                    Socket f = new Socket();
                    try {
                        f.connect(ss.getLocalSocketAddress(), 200);
                        fillers.add(f);
                    } catch (java.io.IOException full) {
                        f.close();
                        break;
                    }
                }
                CheckResult r = LOOP.run(new TcpConnectChecker(),
                        LOOP.target((InetSocketAddress) ss.getLocalSocketAddress(), Duration.ofMillis(300)));
                assertEquals(CheckStatus.L4TOUT, r.status(), r.toString());
                assertTrue(r.durationMillis() >= 290 && r.durationMillis() < 1500, "bounded by 300 ms: " + r.durationMillis());
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }
}
