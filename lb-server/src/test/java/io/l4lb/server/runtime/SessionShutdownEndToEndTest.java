package io.l4lb.server.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.state.BackendRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code on-marked-down shutdown-sessions} and {@code on-marked-up shutdown-backup-sessions}
 * through the running proxy with health checks wired as {@code l4lb run} wires them
 * ({@link HealthWiring} on the proxy's event loops). Long-lived connections on loopback: each
 * origin greets with its name, then echoes.
 */
class SessionShutdownEndToEndTest {
    private final List<AutoCloseable> closers = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
    }

    /** Greets "NAME\n" then echoes; {@link #stopListening} refuses new connections but keeps the live ones. */
    static final class HoldingOrigin implements AutoCloseable {
        final String name;
        final ServerSocket listener;
        final ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();

        HoldingOrigin(String name, int port) throws IOException {
            this.name = name;
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        open.add(s);
                        Thread.ofVirtual().start(() -> echo(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void echo(Socket s) {
            try (s) {
                OutputStream out = s.getOutputStream();
                out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                int c;
                while ((c = in.read()) != -1) {
                    out.write(c);
                }
            } catch (IOException ignored) {
                // closed by either side
            } finally {
                open.remove(s);
            }
        }

        int port() {
            return listener.getLocalPort();
        }

        void stopListening() throws IOException {
            listener.close();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }

    /** A client connection through the proxy, with the name of the origin that greeted it. */
    record Held(Socket socket, String origin) {
        static Held open(InetSocketAddress vip) throws IOException {
            Socket s = new Socket();
            s.connect(vip, 2000);
            s.setSoTimeout(5000);
            StringBuilder name = new StringBuilder();
            int c;
            while ((c = s.getInputStream().read()) != -1 && c != '\n') {
                name.append((char) c);
            }
            return new Held(s, name.toString());
        }

        boolean echoes() {
            try {
                socket.getOutputStream().write('x');
                return socket.getInputStream().read() == 'x';
            } catch (IOException e) {
                return false;
            }
        }

        /** True when the proxy closed it (EOF or reset) within the socket timeout. */
        boolean closedByPeer() throws IOException {
            try {
                return socket.getInputStream().read() == -1;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset
            }
        }
    }

    private record Running(ProxyRuntime rt, BackendRuntime farm, InetSocketAddress vip,
                           LinkedBlockingQueue<String> changes, List<String> log) {}

    private Running start(String servers) throws Exception {
        String cfg = """
                global
                    nbthread 2
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                frontend web
                    bind 127.0.0.1:%d
                    default_backend farm
                backend farm
                    balance roundrobin
                %s""".formatted(HealthEndToEndTest.freePort(), servers);
        L4Config config = ConfigParser.parse("shutdown.cfg", cfg);
        List<String> log = new CopyOnWriteArrayList<>();
        HealthWiring health = new HealthWiring(config.global(), log::add);
        ProxyRuntime rt = ProxyRuntime.of(config, health);
        closers.add(rt);
        rt.start();
        BackendRuntime farm = rt.backends().get("farm");
        LinkedBlockingQueue<String> changes = new LinkedBlockingQueue<>();
        farm.addListener((be, s, usable, why) -> changes.add(s.name() + (usable ? " up" : " down")));
        health.start(rt);
        closers.add(health);
        return new Running(rt, farm, rt.boundAddresses("web").getFirst(), changes, log);
    }

    private static Map<String, List<Held>> byOrigin(List<Held> conns) {
        Map<String, List<Held>> m = new HashMap<>();
        conns.forEach(h -> m.computeIfAbsent(h.origin(), k -> new ArrayList<>()).add(h));
        return m;
    }

    @Test
    void shutdownSessionsClosesTheLiveConnectionsOfAServerMarkedDownAndOnlyThose() throws Exception {
        HoldingOrigin a = new HoldingOrigin("A", 0);
        HoldingOrigin b = new HoldingOrigin("B", 0);
        HoldingOrigin c = new HoldingOrigin("C", 0);
        closers.addAll(List.of(a, b, c));
        String opts = "check inter 100ms fall 2 rise 2";
        Running r = start("""
                    server a 127.0.0.1:%d %s on-marked-down shutdown-sessions
                    server b 127.0.0.1:%d %s
                    server c 127.0.0.1:%d %s
                """.formatted(a.port(), opts, b.port(), opts, c.port(), opts));
        List<Held> conns = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Held h = Held.open(r.vip());
            closers.add(h.socket());
            conns.add(h);
        }
        Map<String, List<Held>> by = byOrigin(conns);
        assertEquals(3, by.get("A").size(), "rr spread: " + by.keySet());
        assertEquals(3, by.get("C").size());
        assertTrue(conns.stream().allMatch(Held::echoes), "all relaying");

        // A and C stop accepting (checks refused) but keep their live connections open.
        a.stopListening();
        c.stopListening();
        List<String> down = List.of(r.changes().poll(10, TimeUnit.SECONDS), r.changes().poll(10, TimeUnit.SECONDS));
        assertTrue(down.containsAll(List.of("a down", "c down")), down + " log " + r.log());
        for (Held h : by.get("A")) {
            assertTrue(h.closedByPeer(), "A's sessions are shut down");
        }
        // C has no on-marked-down action: its sessions live on, as do B's.
        for (Held h : by.get("C")) {
            assertTrue(h.echoes(), "C's sessions are kept");
        }
        for (Held h : by.get("B")) {
            assertTrue(h.echoes(), "B's sessions are kept");
        }
        assertEquals(0, r.farm().server("a").load().active(), "A's slots released");
        assertEquals(3, r.farm().server("c").load().active());
        // New connections go to B only.
        for (int i = 0; i < 3; i++) {
            Held h = Held.open(r.vip());
            closers.add(h.socket());
            assertEquals("B", h.origin());
        }
    }

    @Test
    void shutdownBackupSessionsMovesClientsBackWhenAnActiveServerComesUp() throws Exception {
        HoldingOrigin bk = new HoldingOrigin("BK", 0);
        closers.add(bk);
        int portA = HealthEndToEndTest.freePort(); // nothing listens yet: A starts down
        Running r = start("""
                    server a 127.0.0.1:%d check inter 100ms fall 2 rise 2 init-state fully-down on-marked-up shutdown-backup-sessions
                    server bk 127.0.0.1:%d check inter 100ms fall 2 rise 2 backup
                """.formatted(portA, bk.port()));
        assertTrue(r.farm().snapshot().usingBackups());
        List<Held> onBackup = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Held h = Held.open(r.vip());
            closers.add(h.socket());
            assertEquals("BK", h.origin());
            onBackup.add(h);
        }
        HoldingOrigin a = new HoldingOrigin("A", portA);
        closers.add(a);
        assertEquals("a up", r.changes().poll(10, TimeUnit.SECONDS), "log " + r.log());
        for (Held h : onBackup) {
            assertTrue(h.closedByPeer(), "backup sessions are shut down when A is up");
        }
        Held back = Held.open(r.vip());
        closers.add(back.socket());
        assertEquals("A", back.origin(), "clients reconnect to the active server");
    }
}
