package io.l4lb.dataplane.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.testing.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** auth-key-file, unicast peer filtering, track-backend and notify, between real nodes in namespaces. */
@Privileged
class VrrpFeaturesPrivilegedTest {
    NetnsLab lab;
    String nsA;
    String nsB;
    String nsC;
    String vip;
    Path dir;
    Path logs;

    @BeforeEach
    void setUp() throws IOException {
        lab = new NetnsLab();
        nsA = lab.addHost("a", 1);
        nsB = lab.addHost("b", 2);
        nsC = lab.addHost("c", 3);
        vip = lab.address(100);
        dir = Files.createTempDirectory("l4lb-vrrp");
        logs = Path.of("target", "vrrp-netns");
        Files.createDirectories(logs);
    }

    @AfterEach
    void tearDown() throws IOException {
        lab.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    VrrpNode node(String ns, int priority, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--name", "vi1", "--interface", "eth0", "--vrid", "54",
                "--priority", Integer.toString(priority), "--advert-int-ms", "100", "--vip", vip + "/24"));
        args.addAll(List.of(extra));
        return VrrpNode.start(lab, ns, logs.resolve(lab.prefix + "-" + ns + ".log"), args.toArray(String[]::new));
    }

    Path key(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content + "\n");
        return f;
    }

    @Test
    void authenticatedPairWorksAndAWrongKeyIsDroppedAndCounted() throws Exception {
        Path good = key("good.key", "correct horse battery staple 42");
        VrrpNode b = node(nsB, 100, "--auth-key-file", good.toString());
        assertNotNull(b.await("STATE MASTER", 20_000));
        VrrpNode a = node(nsA, 150, "--auth-key-file", good.toString());
        assertNotNull(a.await("STATE MASTER", 20_000));
        assertNotNull(b.await("STATE BACKUP", 2_000), "authenticated adverts are accepted");
        assertNull(b.await("STATE", 1000));
        // A node with another key hears A but must not believe it: it counts and stays master.
        VrrpNode c = node(nsC, 50, "--auth-key-file", key("bad.key", "a different sixteen+ byte key").toString());
        assertNotNull(c.await("STATE MASTER", 20_000));
        assertNull(c.await("STATE BACKUP", 1000), "forged (wrong-key) adverts change nothing");
        assertTrue(c.counterAtExit("dropped_auth") > 0);
        // A keeps master: C's adverts (priority 50, wrong key) were dropped by A too.
        assertTrue(a.counterAtExit("dropped_auth") > 0);
        assertEquals(1, a.count("STATE MASTER", 0));
        assertNotNull(b.await("STATE MASTER", 2_000), "authenticated priority 0 hands over to B");
    }

    @Test
    void unicastPeersOnlyAreBelieved() throws Exception {
        VrrpNode a = node(nsA, 150, "--unicast-peer", lab.address(2));
        assertNotNull(a.await("STATE MASTER", 20_000));
        VrrpNode b = node(nsB, 100, "--unicast-peer", lab.address(1));
        assertNotNull(b.await("STATE BACKUP", 20_000));
        assertNull(b.await("STATE MASTER", 1000), "B hears A by unicast");
        // C claims priority 200 to A by unicast, but is not one of A's peers.
        VrrpNode c = node(nsC, 200, "--unicast-peer", lab.address(1));
        assertNotNull(c.await("STATE MASTER", 20_000));
        assertNull(a.await("STATE BACKUP", 1000), "A ignores an unknown peer");
        assertTrue(a.counterAtExit("dropped_unknown_peer") > 0);
    }

    @Test
    void trackBackendMovesTheMasterAndNotifyFollowsKeepalivedsContract() throws Exception {
        Path usable = Files.createFile(dir.resolve("web.usable"));
        Path notified = dir.resolve("notify.log");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + notified + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        VrrpNode b = node(nsB, 100);
        assertNotNull(b.await("STATE MASTER", 20_000));
        VrrpNode a = node(nsA, 150, "--track", "web:-60:" + usable, "--notify", script.toString());
        assertNotNull(a.await("STATE MASTER", 20_000));
        assertNotNull(b.await("STATE BACKUP", 2_000));

        Files.delete(usable); // backend "web" has no usable server: A drops to 90 < 100
        assertNotNull(b.await("STATE MASTER", 3_000), "B preempts the degraded master");
        assertNotNull(a.await("STATE BACKUP prio=90", 2_000));
        Files.createFile(usable);
        assertNotNull(a.await("STATE MASTER prio=150", 3_000), "A preempts again once web is back");
        assertNotNull(b.await("STATE BACKUP", 2_000));

        NetnsLab.signal(a.process, "TERM");
        assertTrue(a.awaitExit(10_000)); // the notify runner drains before exit
        assertEquals(List.of("INSTANCE vi1 BACKUP 150", "INSTANCE vi1 MASTER 150", "INSTANCE vi1 BACKUP 90",
                "INSTANCE vi1 MASTER 150", "INSTANCE vi1 STOP 150"), Files.readAllLines(notified));
    }

    @Test
    void nopreemptKeepsTheRunningMasterAndAnEqualBackupDoesNotPreempt() throws Exception {
        VrrpNode b = node(nsB, 100);
        assertNotNull(b.await("STATE MASTER", 20_000));
        VrrpNode a = node(nsA, 150, "--nopreempt");
        assertNotNull(a.await("STATE BACKUP", 20_000));
        assertNull(a.await("STATE MASTER", 1500), "nopreempt: the higher priority does not take over");
        assertEquals(1, b.count("STATE MASTER", 0));
        // C with B's priority but a higher address: as a backup it accepts B (equal is not lower)...
        VrrpNode c = node(nsC, 100);
        assertNotNull(c.await("STATE BACKUP", 20_000));
        assertNull(c.await("STATE MASTER", 1000), "an equal priority backup does not preempt");
        // ... and when B stops, A and C race: A (150) wins, C stays backup.
        b.skipPending();
        NetnsLab.signal(b.process, "TERM");
        assertNotNull(a.await("STATE MASTER", 2_000));
        assertNull(c.await("STATE MASTER", 1000));
    }

    /**
     * RFC 5798 §6.4.3 tie: two masters of equal priority, the higher primary address wins. C is
     * made master by blocking VRRP into C; A then hears C's equal-priority adverts and yields.
     */
    @Test
    void equalPrioritiesTheHigherAddressWins() throws Exception {
        VrrpNode a = node(nsA, 100);
        assertNotNull(a.await("STATE MASTER", 20_000));
        VrrpNode c = node(nsC, 100);
        assertNotNull(c.await("STATE BACKUP", 20_000));
        assertNull(c.await("STATE MASTER", 1000), "equal priority: C accepts A");
        NetnsLab.sh("ip", "netns", "exec", nsC, "nft", "add table inet vrrptie; add chain inet vrrptie in "
                + "{ type filter hook input priority 0; }; add rule inet vrrptie in ip protocol vrrp drop");
        assertNotNull(c.await("STATE MASTER", 2_000), "C no longer hears A");
        assertNotNull(a.await("STATE BACKUP", 2_000), "A yields to the equal priority with the higher address");
        NetnsLab.sh("ip", "netns", "exec", nsC, "nft", "delete table inet vrrptie");
        assertNull(a.await("STATE MASTER", 1000), "one master: C");
        assertTrue(NetnsLab.hasAddress(nsC, vip));
    }

    /**
     * The running VRRP threads (sender A, receiver B, with HMAC) allocate nothing per advert: over
     * five one-second windows, the quietest window allocates nothing although ~10 adverts flowed.
     * (A window can allocate when something is logged, e.g. a late advert on a loaded machine; a
     * per-advert allocation would show in every window.)
     */
    @Test
    void steadyStateAdvertsAllocateNothing() throws Exception {
        VrrpNode a = node(nsA, 150, "--alloc-report-ms", "1000", "--auth-key-file",
                key("k", "sixteen bytes or more of key").toString());
        assertNotNull(a.await("STATE MASTER", 20_000));
        VrrpNode b = node(nsB, 100, "--alloc-report-ms", "1000", "--auth-key-file", dir.resolve("k").toString());
        assertNotNull(b.await("STATE BACKUP", 20_000));
        for (VrrpNode n : List.of(b, a)) {
            n.skipPending();
            long[] prev = alloc(n.await("ALLOC", 3_000));
            long quietest = Long.MAX_VALUE;
            List<String> windows = new ArrayList<>();
            for (int w = 0; w < 5; w++) {
                long[] next = alloc(n.await("ALLOC", 3_000));
                long adverts = (next[1] - prev[1]) + (next[2] - prev[2]);
                long bytes = next[0] - prev[0];
                assertTrue(adverts >= 5, "adverts flowed: " + adverts);
                quietest = Math.min(quietest, bytes);
                windows.add(bytes + " B/" + adverts + " adverts");
                prev = next;
            }
            System.out.printf("%s: VRRP thread allocations per 1 s window: %s%n", n.ns, windows);
            assertEquals(0, quietest, "the quietest window allocated: " + windows);
        }
    }

    private static long[] alloc(VrrpNode.Line l) {
        assertNotNull(l, "ALLOC line");
        Matcher m = Pattern.compile("bytes=(\\d+) sent=(\\d+) received=(\\d+)").matcher(l.text());
        assertTrue(m.find(), l.text());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }
}
