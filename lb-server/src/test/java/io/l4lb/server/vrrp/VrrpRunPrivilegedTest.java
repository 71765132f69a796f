package io.l4lb.server.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.testing.Privileged;
import io.l4lb.server.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VRRP inside the real {@code l4lb run} process. Namespaces on one bridge: LB nodes A
 * (10.N.0.1, priority 150) and B (10.N.0.2, priority 100), a client (10.N.0.3) and a real server
 * (10.N.0.4, socat answering {@code LINE via PEER}). Each node is {@code java ... Main run -f CONF}
 * with a {@code vrrp} section (advert-int 100 ms, multicast, track-backend) and a frontend on
 * VIP:8080 (10.N.0.100), bound with IP_FREEBIND on both nodes. The client sends one request every
 * ~5 ms on a new connection and reports, with the monotonic clock, when the answer changes; the
 * failover time is from the signal to the client's first answer through the other node.
 */
@Privileged
class VrrpRunPrivilegedTest {
    static final int ADVERT_MS = 100;
    static final int PORT = 8080;
    static final double B_SKEW_MS = (256 - 100) * ADVERT_MS / 256.0;
    static final int KILL_TRIALS = 3;
    /** A second frontend on each node's own address: the client warms the standby's proxy path through it. */
    static final int WARM_PORT = 8081;

    Netns lab;
    String nsA;
    String nsB;
    String nsClient;
    String vip;
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        lab = new Netns();
        nsA = lab.host("a", 1);
        nsB = lab.host("b", 2);
        nsClient = lab.host("c", 3);
        String nsSrv = lab.host("s", 4);
        vip = lab.address(100);
        dir = Files.createDirectories(Path.of("target", "vrrp-run", lab.prefix));
        lab.spawn(nsSrv, List.of("socat", "TCP-LISTEN:7000,bind=" + lab.address(4) + ",fork,reuseaddr",
                "SYSTEM:read l; echo \"$l via $SOCAT_PEERADDR\""));
    }

    @AfterEach
    void tearDown() {
        lab.close();
    }

    Path config(String node, int priority) throws IOException {
        Path f = dir.resolve(node + ".cfg");
        Files.writeString(f, """
                global
                    nbthread 1
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend svc
                    bind %s:%d
                    default_backend app
                frontend warm
                    bind %s:%d
                    default_backend app
                backend app
                    server s1 %s:7000
                vrrp vi1
                    interface eth0
                    virtual-router-id 51
                    priority %d
                    advert-int %dms
                    virtual-ipaddress %s/24
                    track-backend app weight -60
                admin
                    bind 127.0.0.1:9090
                """.formatted(vip, PORT, lab.address(node.equals("a") ? 1 : 2), WARM_PORT, lab.address(4), priority,
                ADVERT_MS, vip));
        return f;
    }

    Netns.Proc node(String ns, String name, int priority) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "-f",
                config(name, priority).toString()));
        return lab.spawn(ns, cmd);
    }

    Netns.Proc probe() throws IOException {
        return lab.spawn(nsClient, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                VipProbeMain.class.getName(), vip, Integer.toString(PORT)));
    }

    /** B first (it becomes master alone), then A, which preempts; returns {A, B}. */
    Netns.Proc[] pair() throws Exception {
        Netns.Proc b = node(nsB, "b", 100);
        assertNotNull(b.await("vrrp vi1 MASTER", 30_000), "B alone becomes master:\n" + b.output());
        return new Netns.Proc[] {startA(b), b};
    }

    Netns.Proc startA(Netns.Proc b) throws Exception {
        b.skipPending();
        Netns.Proc a = node(nsA, "a", 150);
        assertNotNull(a.await("vrrp vi1 MASTER", 30_000), "A preempts:\n" + a.output());
        assertNotNull(b.await("vrrp vi1 BACKUP", 2_000), "B yields:\n" + b.output());
        return a;
    }

    /**
     * One request through node {@code host}'s own address. A JVM that never proxied a connection
     * loads the session classes on its first one (about 100 ms here, measured in trial 0 before
     * this warm-up existed); a standby in production has served before, so the failover timing
     * is taken with a warm standby.
     */
    void warm(int host) throws IOException {
        String reply = Netns.sh("ip", "netns", "exec", nsClient, "timeout", "10", "bash", "-c",
                "exec 3<>/dev/tcp/" + lab.address(host) + "/" + WARM_PORT + "; echo warm >&3; cat <&3").strip();
        assertEquals("warm via " + lab.address(host), reply);
    }

    String via(int host) {
        return "OK via " + lab.address(host) + " n=";
    }

    @Test
    void exactlyOneMasterServesTheVipAndShowsInTheAdminApi() throws Exception {
        Netns.Proc[] n = pair();
        Netns.Proc a = n[0];
        Netns.Proc b = n[1];
        assertTrue(a.output().contains("frontend svc listening on [/" + vip + ":" + PORT + "]"), a.output());
        assertTrue(b.output().contains("frontend svc listening on [/" + vip + ":" + PORT + "]"),
                "the standby listens on the VIP it does not hold (IP_FREEBIND):\n" + b.output());
        assertNull(b.await("vrrp vi1", 1000), "ten adverts of stability: no further transition");
        assertTrue(Netns.hasAddress(nsA, vip));
        assertFalse(Netns.hasAddress(nsB, vip));
        Netns.Proc client = probe();
        assertNotNull(client.await(via(1), 20_000), "the client reaches the real server through A:\n" + client.output());

        String api = Netns.sh("ip", "netns", "exec", nsA, "curl", "-sf", "http://127.0.0.1:9090/api/vrrp/vi1");
        assertTrue(api.contains("\"state\":\"MASTER\""), api);
        assertTrue(api.contains("\"priority\":150"), api);
        String apiB = Netns.sh("ip", "netns", "exec", nsB, "curl", "-sf", "http://127.0.0.1:9090/api/vrrp/vi1");
        assertTrue(apiB.contains("\"state\":\"BACKUP\""), apiB);
        String metrics = Netns.sh("ip", "netns", "exec", nsB, "curl", "-sf", "http://127.0.0.1:9090/metrics");
        assertTrue(metrics.contains("l4lb_vrrp_state{interface=\"eth0\",vrid=\"51\",vrrp=\"vi1\"} 1.0"), metrics);
        assertTrue(metrics.contains("l4lb_vrrp_transitions_total{interface=\"eth0\",vrid=\"51\",vrrp=\"vi1\"} 3.0"),
                "B went Initialize -> Backup -> Master -> Backup:\n" + metrics);
        assertTrue(metrics.contains("l4lb_vrrp_adverts_dropped_total{interface=\"eth0\",reason=\"ttl\",vrid=\"51\",vrrp=\"vi1\"} 0.0"),
                metrics);
    }

    @Test
    void sigkillThenSigtermFailOverToTheStandbyThroughTheVip() throws Exception {
        Netns.Proc[] n = pair();
        Netns.Proc a = n[0];
        Netns.Proc b = n[1];
        Netns.Proc client = probe();
        assertNotNull(client.await(via(1), 20_000), "the client is served through A:\n" + client.output());
        warm(2);
        double killBound = 3 * ADVERT_MS + B_SKEW_MS + 100;
        List<Double> kills = new ArrayList<>();
        for (int trial = 0; trial < KILL_TRIALS; trial++) {
            if (trial > 0) {
                a = startA(b);
                assertNotNull(client.await(via(1), 5_000), "back on A after it preempted:\n" + client.output());
            }
            // 3-4 adverts of steady state; the odd extra spreads the kill over the advert cycle.
            assertNull(b.await("vrrp vi1", 300 + (trial * 37L) % ADVERT_MS));
            client.skipPending();
            long t0 = System.nanoTime();
            a.process.destroyForcibly(); // SIGKILL: no priority 0, B waits out Master_Down_Interval
            Netns.Proc.Line ok = client.await(via(2), 5_000);
            assertNotNull(ok, "the client is served through B after SIGKILL:\n" + client.output());
            double ms = (ok.mono() - t0) / 1e6;
            kills.add(ms);
            timeline("SIGKILL trial " + trial, t0, client, b);
            assertTrue(a.awaitExit(5_000));
            assertTrue(Netns.hasAddress(nsB, vip));
            assertTrue(ms <= killBound, "trial " + trial + ": " + ms + " ms > " + killBound + " ms");
        }
        report("SIGKILL: client served through the standby (bound " + killBound + " ms)", kills);

        a = startA(b);
        assertNotNull(client.await(via(1), 5_000), "back on A:\n" + client.output());
        assertNull(b.await("vrrp vi1", 350));
        client.skipPending();
        double termBound = B_SKEW_MS + 100;
        long t0 = System.nanoTime();
        a.signal("TERM");
        Netns.Proc.Line ok = client.await(via(2), 5_000);
        assertNotNull(ok, "the client is served through B after SIGTERM:\n" + client.output());
        double ms = (ok.mono() - t0) / 1e6;
        timeline("SIGTERM", t0, client, b);
        Netns.Proc.Line master = b.all.stream().filter(l -> l.mono() > t0 && l.text().contains("vrrp vi1 MASTER"))
                .findFirst().orElseThrow();
        double takeover = (master.mono() - t0) / 1e6;
        assertTrue(a.awaitExit(15_000), "A stops after SIGTERM");
        assertEquals(1, a.count("vrrp vi1 STOP"), "A stopped VRRP cleanly:\n" + a.output());
        assertFalse(Netns.hasAddress(nsA, vip), "A gave its VIP away");
        System.out.printf("SIGTERM: B master %.1f ms, client served through B %.1f ms after the signal (bound %.1f ms)%n",
                takeover, ms, termBound);
        assertTrue(takeover <= termBound, "takeover " + takeover + " ms > " + termBound + " ms");
        assertTrue(ms <= termBound, "client " + ms + " ms > " + termBound + " ms");
    }

    /** What the client and B saw after the signal (B's lines are stamped when the test read them). */
    static void timeline(String what, long t0, Netns.Proc client, Netns.Proc b) {
        StringBuilder sb = new StringBuilder(what + ":");
        for (Netns.Proc p : List.of(client, b)) {
            for (Netns.Proc.Line l : p.all) {
                if (l.mono() >= t0 && (p == client || l.text().contains("vrrp vi1"))) {
                    sb.append(String.format(" [%+.1f ms %s]", (l.mono() - t0) / 1e6, l.text()));
                }
            }
        }
        System.out.println(sb);
    }

    static void report(String what, List<Double> times) {
        List<Double> s = new ArrayList<>(times);
        s.sort(null);
        double median = s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        System.out.printf("%s over %d trials: min %.1f ms, median %.1f ms, max %.1f ms; all %s%n", what, s.size(),
                s.get(0), median, s.get(s.size() - 1), times);
    }
}
