package io.l4lb.dataplane.vrrp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.testing.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with a real keepalived (Debian's, VRRPv3, advert_int 0.1), multicast and
 * unicast, in both roles: each side yields to the higher priority, takes over on the peer's
 * priority-0 advert, and preempts when the higher-priority side comes back (RFC 5798 §6.4).
 */
@Privileged
class KeepalivedInteropPrivilegedTest {
    static final int ADVERT_MS = 100;
    /** Master_Down_Interval bound for the priority-100 backup, plus 100 ms. */
    static final double TAKEOVER_BOUND_MS = 3 * ADVERT_MS + (256 - 100) * ADVERT_MS / 256.0 + 100;

    NetnsLab lab;
    String nsA;
    String nsB;
    String vip;
    Path dir;
    Path logs;
    final List<Path> keepalivedChildPids = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        lab = new NetnsLab();
        nsA = lab.addHost("a", 1);
        nsB = lab.addHost("b", 2);
        vip = lab.address(100);
        dir = Files.createTempDirectory("l4lb-keepalived");
        logs = Path.of("target", "vrrp-netns");
        Files.createDirectories(logs);
    }

    @AfterEach
    void tearDown() throws IOException {
        lab.close();
        // keepalived's VRRP child, should its parent have died without stopping it (by PID).
        for (Path pidFile : keepalivedChildPids) {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                ProcessHandle.of(pid).filter(h -> h.info().command().orElse("").contains("keepalived"))
                        .ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    VrrpNode keepalived(String ns, int self, int peer, int priority, boolean unicast, String tag) throws IOException {
        String unicastLines = unicast ? "  unicast_src_ip " + lab.address(self) + "\n  unicast_peer {\n    "
                + lab.address(peer) + "\n  }\n" : "";
        String conf = "global_defs {\n  router_id l4lb_test_" + tag + "\n  vrrp_version 3\n}\n"
                + "vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 53\n"
                + "  priority " + priority + "\n  advert_int 0.1\n  virtual_ipaddress {\n    " + vip + "/24\n  }\n"
                + unicastLines + "}\n";
        Path f = dir.resolve("keepalived-" + tag + ".conf");
        Files.writeString(f, conf);
        Path childPid = dir.resolve("vrrp-" + tag + ".pid");
        keepalivedChildPids.add(childPid);
        return VrrpNode.startProgram(lab, ns, List.of("keepalived", "-n", "-l", "-D", "-P", "-f", f.toString(),
                "-p", dir.resolve("keepalived-" + tag + ".pid").toString(), "-r", childPid.toString(),
                "-c", dir.resolve("checkers-" + tag + ".pid").toString()));
    }

    VrrpNode l4lb(String ns, int peer, int priority, boolean unicast) throws IOException {
        List<String> args = new ArrayList<>(List.of("--name", "vi1", "--interface", "eth0", "--vrid", "53",
                "--priority", Integer.toString(priority), "--advert-int-ms", Integer.toString(ADVERT_MS),
                "--vip", vip + "/24"));
        if (unicast) {
            args.addAll(List.of("--unicast-peer", lab.address(peer)));
        }
        return VrrpNode.start(lab, ns, logs.resolve(lab.prefix + "-" + ns + ".log"), args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "unicast={0}")
    @ValueSource(booleans = {false, true})
    void l4lbMasterWithKeepalivedBackup(boolean unicast) throws Exception {
        VrrpNode l4 = l4lb(nsA, 2, 150, unicast);
        assertNotNull(l4.await("STATE MASTER", 20_000));
        VrrpNode ka = keepalived(nsB, 2, 1, 100, unicast, "b1");
        assertNotNull(ka.await("Entering BACKUP STATE", 20_000), "keepalived starts as backup");
        assertNull(ka.await("Entering MASTER STATE", 1500), "keepalived accepts l4lb's adverts and stays backup");
        assertTrue(NetnsLab.hasAddress(nsA, vip));
        assertFalse(NetnsLab.hasAddress(nsB, vip));

        long t0 = System.nanoTime();
        NetnsLab.signal(l4.process, "TERM");
        assertNotNull(ka.await("Entering MASTER STATE", 5_000), "keepalived takes over on priority 0");
        double ms = (System.nanoTime() - t0) / 1e6;
        assertTrue(l4.awaitExit(5_000));
        assertTrue(NetnsLab.hasAddress(nsB, vip));
        assertTrue(ka.all.stream().anyMatch(l -> l.is("received priority 0")), "keepalived saw our priority 0");
        assertTrue(ms <= TAKEOVER_BOUND_MS, "takeover " + ms + " ms");

        ka.skipPending();
        VrrpNode back = l4lb(nsA, 2, 150, unicast);
        assertNotNull(back.await("STATE MASTER", 20_000), "l4lb preempts the lower-priority keepalived");
        assertNotNull(ka.await("Entering BACKUP STATE", 2_000), "keepalived yields to the higher priority");
        assertTrue(NetnsLab.hasAddress(nsA, vip));
        assertFalse(NetnsLab.hasAddress(nsB, vip));
        System.out.printf("keepalived backup (unicast=%s): took over %.1f ms after l4lb's SIGTERM%n", unicast, ms);
    }

    @ParameterizedTest(name = "unicast={0}")
    @ValueSource(booleans = {false, true})
    void keepalivedMasterWithL4lbBackup(boolean unicast) throws Exception {
        VrrpNode ka = keepalived(nsA, 1, 2, 150, unicast, "a1");
        assertNotNull(ka.await("Entering MASTER STATE", 20_000));
        VrrpNode l4 = l4lb(nsB, 1, 100, unicast);
        assertNotNull(l4.await("STATE BACKUP", 20_000));
        assertNull(l4.await("STATE MASTER", 1500), "l4lb accepts keepalived's adverts and stays backup");
        assertTrue(NetnsLab.hasAddress(nsA, vip));
        assertFalse(NetnsLab.hasAddress(nsB, vip));

        long t0 = System.nanoTime();
        NetnsLab.signal(ka.process, "TERM");
        VrrpNode.Line m = l4.await("STATE MASTER", 5_000);
        assertNotNull(m, "l4lb takes over when keepalived stops");
        double ms = (m.mono() - t0) / 1e6;
        assertTrue(ka.process.waitFor(5, TimeUnit.SECONDS));
        assertTrue(NetnsLab.hasAddress(nsB, vip));
        assertTrue(ms <= TAKEOVER_BOUND_MS, "takeover " + ms + " ms");

        l4.skipPending();
        VrrpNode again = keepalived(nsA, 1, 2, 150, unicast, "a2");
        assertNotNull(again.await("Entering MASTER STATE", 20_000), "keepalived preempts");
        assertNotNull(l4.await("STATE BACKUP", 2_000), "l4lb yields to the higher priority");
        assertTrue(NetnsLab.hasAddress(nsA, vip));
        assertFalse(NetnsLab.hasAddress(nsB, vip));
        System.out.printf("l4lb backup (unicast=%s): took over %.1f ms after keepalived's SIGTERM%n", unicast, ms);
    }
}
