package io.l4lb.server.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.testing.Privileged;
import io.l4lb.dataplane.packet.io.NetnsL2Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code l4lb run} with {@code forward dr} and {@code forward tunnel}, end to end in namespaces
 * made here (client, LB, two real servers on one bridge), every l4lb piece a separate process
 * started as an operator would: the LB runs {@code l4lb run -f}, each real server is set up by
 * {@code l4lb realserver --apply} and, for tunnels, runs {@code l4lb decap} (the kernels here
 * have no ipip). A Python HTTP server on each real server answers /who (its name), /blob (20 MB)
 * and POST /up (SHA-256 of the body).
 *
 * <p>Checked: 20 MB down and up through the VIP with equal SHA-256; direct return (while the
 * 20 MB download runs, the LB's interface carries less than a tenth of it: only the client's ACKs);
 * rr alternating between the two real servers; {@code persist} keeping a client on one server.
 * Offloads are left on: in tunnel mode the upload reaches the LB as TSO super-frames, which the
 * engine segments in software (the decapsulators receive more than twice as many packets as the
 * LB's interface did).
 */
@Privileged
class PacketPlaneNetnsPrivilegedTest {
    private static final int BLOB = 20 << 20;
    private static final String SERVER_PY = """
            import hashlib, sys, threading
            from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
            name, blob = sys.argv[1], sys.argv[2]
            class H(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.0"
                def log_message(self, *a): pass
                def reply(self, body):
                    self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
                    self.wfile.write(body)
                def do_GET(self):
                    if self.path == "/blob":
                        print("serving blob", flush=True)
                        self.reply(open(blob, "rb").read())
                    else:
                        self.reply(name.encode())
                def do_POST(self):
                    n, h = int(self.headers["Content-Length"]), hashlib.sha256()
                    while n > 0:
                        b = self.rfile.read(min(n, 65536))
                        if not b: break
                        h.update(b); n -= len(b)
                    self.reply(h.hexdigest().encode())
            for port in (80, 81):
                s = ThreadingHTTPServer(("0.0.0.0", port), H)
                threading.Thread(target=s.serve_forever, daemon=True).start()
            print("ready", flush=True)
            threading.Event().wait()
            """;

    private NetnsL2Lab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void directRouting(@TempDir Path dir) throws Exception {
        run("dr", dir);
    }

    @Test
    void ipipTunnelWithUserSpaceDecap(@TempDir Path dir) throws Exception {
        run("tunnel", dir);
    }

    private void run(String mode, Path dir) throws Exception {
        lab = new NetnsL2Lab(mode.equals("dr") ? "wd" : "wt");
        String cl = lab.host("cl", 10);
        String lb = lab.host("lb", 2);
        String vip = lab.ip(100);
        byte[] blob = new byte[BLOB];
        new Random(7).nextBytes(blob);
        Files.write(dir.resolve("blob"), blob);
        Files.writeString(dir.resolve("server.py"), SERVER_PY);
        for (int i = 1; i <= 2; i++) {
            PacketLab.realServer(lab, dir, i, mode, vip, "rs" + i, dir.resolve("blob").toString());
        }
        // Offloads stay on: the client's veth hands its TSO super-frames (up to 64 KB, CHECKSUM_PARTIAL)
        // across the bridge to the LB's ring as they are, which is what an LB NIC with GRO on delivers.
        Path cfg = dir.resolve("l4lb.cfg");
        Files.writeString(cfg, PacketLab.farmConfig(vip, mode, "rr", """
                    server rs1 %2$s:80 check inter 200ms fall 2 rise 2
                    server rs2 %3$s:80 check inter 200ms fall 2 rise 2
                """.formatted(vip, lab.ip(11), lab.ip(12)), """
                frontend sticky
                    bind %1$s:81
                    default_backend sticky
                backend sticky
                    forward %4$s
                    balance rr
                    persist 60s
                    server rs1 %2$s:81
                    server rs2 %3$s:81
                frontend nosrv
                    bind %1$s:82
                    default_backend nosrv
                backend nosrv
                    forward %4$s
                    balance rr
                    server rs1 %2$s:82 disabled
                """.formatted(vip, lab.ip(11), lab.ip(12), mode), dir.resolve("token")));
        Files.writeString(dir.resolve("token"), "tok-" + System.nanoTime() + "\n");
        lab.startAwaiting(lb, dir.resolve("lb.log"), "admin API listening", l4lb("run", "-f", cfg.toString()));
        assertTrue(Files.readString(dir.resolve("lb.log")).contains("packet plane on eth0"), "packet plane on the LB namespace's eth0");

        // rr: ten connections alternate between the two real servers
        Map<String, Integer> rr = tally(lab.exec(cl, "sh", "-c", "for i in $(seq 10); do curl -s --max-time 5 "
                + "--retry 5 --retry-connrefused --retry-delay 1 http://" + vip + "/who; echo; done"));
        assertEquals(Map.of("rs1", 5, "rs2", 5), rr, "rr over two real servers");
        // the 11th connection goes to "first", so the next one (the slow download) to "other"
        String first = lab.exec(cl, "sh", "-c", "curl -s --max-time 5 http://" + vip + "/who").trim();
        String other = first.equals("rs1") ? "rs2" : "rs1";
        failedCheckKeepsEstablishedFlows(dir, cl, lb, vip, other, first);

        // persist 60s: every connection of this client lands on one server
        Map<String, Integer> sticky = tally(lab.exec(cl, "sh", "-c", "for i in $(seq 6); do curl -s --max-time 5 "
                + "http://" + vip + ":81/who; echo; done"));
        assertEquals(1, sticky.size(), "persistence: " + sticky);
        assertEquals(6, sticky.values().iterator().next());

        // 20 MB down: the reply bypasses the LB
        long before = lbBytes(lb);
        long t0 = System.nanoTime();
        String down = lab.exec(cl, "sh", "-c", "curl -s --max-time 60 http://" + vip + "/blob | sha256sum").split(" ")[0];
        long during = lbBytes(lb) - before;
        long downNanos = System.nanoTime() - t0;
        assertEquals(sha256(blob), down);
        assertTrue(during < BLOB / 10, "direct return: the LB carried " + during + " bytes of a " + BLOB + "-byte download");
        // 20 MB up: through the LB (client -> VIP) to the real server
        before = lbBytes(lb);
        long lbRxBefore = lab.counter(lb, "eth0", "rx_packets");
        long decapBefore = decapPackets(mode);
        t0 = System.nanoTime();
        String up = lab.exec(cl, "sh", "-c", "curl -s --max-time 60 --data-binary @" + dir.resolve("blob")
                + " -H 'Content-Type: application/octet-stream' http://" + vip + "/up").trim();
        long carried = lbBytes(lb) - before;
        long lbRx = lab.counter(lb, "eth0", "rx_packets") - lbRxBefore;
        long decapped = decapPackets(mode) - decapBefore;
        System.out.printf("%s: 20 MB down in %d ms (LB interface carried %d bytes), up in %d ms (%d bytes, "
                        + "%d frames received by the LB, %d packets decapsulated)%n", mode, downNanos / 1_000_000,
                during, (System.nanoTime() - t0) / 1_000_000, carried, lbRx, decapped);
        assertEquals(sha256(blob), up);
        assertTrue(carried > BLOB, "the upload crossed the LB: " + carried + " bytes");
        if (mode.equals("tunnel")) {
            // the kernel counts a GSO super-frame as one received packet on the LB's veth; the real
            // servers' decapsulators receive one IPIP packet per segment the engine cut from it
            assertTrue(decapped > 2 * lbRx, "GSO super-frames reached the LB and were segmented: " + lbRx
                    + " frames in, " + decapped + " IPIP packets out");
        }

        // per real server packet and byte counters reach the stats catalogue (admin /metrics)
        String metrics = lab.exec(lb, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9900/metrics");
        for (String rs : List.of("rs1", "rs2")) {
            double packets = metric(metrics, "l4lb_server_packets_total", "proxy=\"farm\"", "server=\"" + rs + "\"");
            double bytes = metric(metrics, "l4lb_server_bytes_in_total", "proxy=\"farm\"", "server=\"" + rs + "\"");
            assertTrue(packets >= 5 * 3, rs + ": " + packets + " packets (5 connections of 3+ packets each)");
            assertTrue(bytes > 0, rs + ": " + bytes + " bytes");
        }
        countersOfVipsServersAndDrops(dir, cl, lb, vip, mode);
    }

    /**
     * The dr/tunnel counters in the catalogue after the traffic above: the {@code web} frontend's
     * packets, bytes, flows and active/inactive counts equal the sums over its backend's real
     * servers (no other frontend uses {@code farm}); {@code l4lb ctl show servers} lists the VIP
     * with its real servers' InActConn; a SYN to a frontend whose only server is disabled is dropped
     * as {@code no_server} on that frontend, one to a VIP port without a service as {@code
     * no_service} on the packet plane only.
     */
    private void countersOfVipsServersAndDrops(Path dir, String cl, String lb, String vip, String mode)
            throws Exception {
        // each curl times out: its SYN (and retransmission) is dropped by the LB
        lab.exec(cl, "sh", "-c", "curl -s --max-time 2 http://" + vip + ":82/who; curl -s --max-time 2 http://"
                + vip + ":83/who; true");
        String m = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        boolean consistent = false;
        while (!consistent && System.nanoTime() < deadline) {
            // both halves of one scrape must agree; a stray packet between the two reads retries
            m = lab.exec(lb, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9900/metrics");
            consistent = true;
            for (String f : List.of("packets_total", "bytes_in_total", "sessions_total", "current_sessions",
                    "inactive_sessions")) {
                double fe = metric(m, "l4lb_frontend_" + f, "proxy=\"web\"");
                double sum = metric(m, "l4lb_server_" + f, "proxy=\"farm\"", "server=\"rs1\"")
                        + metric(m, "l4lb_server_" + f, "proxy=\"farm\"", "server=\"rs2\"");
                consistent &= fe == sum;
            }
            consistent &= metric(m, "l4lb_frontend_packets_dropped_total", "proxy=\"nosrv\"", "reason=\"no_server\"") >= 1
                    && metric(m, "l4lb_packet_dropped_total", "reason=\"no_service\"") >= 1;
        }
        assertTrue(consistent, "web frontend = sum of farm's servers, drops counted:\n" + m);
        double packets = metric(m, "l4lb_frontend_packets_total", "proxy=\"web\"");
        double bytes = metric(m, "l4lb_frontend_bytes_in_total", "proxy=\"web\"");
        System.out.printf("%s: frontend web forwarded %.0f packets, %.0f bytes, %.0f flows; %.0f inactive%n", mode,
                packets, bytes, metric(m, "l4lb_frontend_sessions_total", "proxy=\"web\""),
                metric(m, "l4lb_frontend_inactive_sessions", "proxy=\"web\""));
        assertTrue(bytes > BLOB, "the 20 MB upload crossed the VIP: " + bytes);
        assertTrue(packets > BLOB / 65536, packets + " packets");
        // 10 rr + 1 + 4 after the failure + the slow download + 2 transfers, each its own flow
        assertTrue(metric(m, "l4lb_frontend_sessions_total", "proxy=\"web\"") >= 18, m);
        assertTrue(metric(m, "l4lb_frontend_inactive_sessions", "proxy=\"web\"") > 0,
                "closed flows stay inactive (FIN_WAIT) for 120 s");
        double noServer = metric(m, "l4lb_frontend_packets_dropped_total", "proxy=\"nosrv\"", "reason=\"no_server\"");
        assertEquals(noServer, metric(m, "l4lb_packet_dropped_total", "reason=\"no_server\""),
                "every no_server drop belongs to the nosrv frontend");
        assertEquals(0, metric(m, "l4lb_frontend_packets_dropped_total", "proxy=\"web\"", "reason=\"no_server\""));
        assertEquals(0, metric(m, "l4lb_frontend_packets_total", "proxy=\"nosrv\""));
        assertEquals(0, metric(m, "l4lb_packet_dropped_total", "reason=\"bad_ip_checksum\""));

        // the same through the JSON API and ctl (ipvsadm -Ln layout)
        String api = lab.exec(lb, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9900/api/packet");
        assertTrue(api.matches("(?s).*\"no_service\":[1-9].*"), api);
        String table = lab.exec(lb, l4lb("ctl", "--url", "http://127.0.0.1:9900", "show", "servers"));
        String style = mode.equals("dr") ? "Route" : "Tunnel";
        List<String> lines = List.of(table.split("\n"));
        int at = lines.indexOf("TCP  " + vip + ":80 rr");
        assertTrue(at >= 0, table);
        long inactive = 0;
        for (int i = at + 1; i <= at + 2; i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            assertEquals(style, f[2], lines.get(i));
            inactive += Long.parseLong(f[5]);
        }
        assertTrue(inactive > 0, "InActConn of the VIP's real servers:\n" + table);
    }

    /**
     * The next rr pick is {@code target}: a slow 20 MB download starts there, then the target's
     * health check (TCP connect from the LB's address, every 200 ms, fall 2) starts failing (an nft
     * rule in its namespace resets connections from the LB). Once the admin API reports it down,
     * new connections all go to {@code survivor}, and the download continues to its last byte
     * (LVS's expire_nodest_conn=0).
     */
    private void failedCheckKeepsEstablishedFlows(Path dir, String cl, String lb, String vip, String target,
                                                  String survivor) throws Exception {
        Path sha = dir.resolve("slow.sha");
        Process slow = lab.startAwaiting(cl, dir.resolve("slow.log"), "started", "sh", "-c",
                "curl -s --max-time 60 --limit-rate 4M http://" + vip + "/blob | { head -c 65536 > " + dir.resolve("head")
                        + "; echo started; cat " + dir.resolve("head") + " - | sha256sum > " + sha + "; }");
        String ns = lab.prefix() + target;
        lab.exec(ns, "nft", "add table ip l4t");
        lab.exec(ns, "nft", "add chain ip l4t in { type filter hook input priority 0 ; }");
        lab.exec(ns, "nft", "add rule ip l4t in ip saddr " + lab.ip(2) + " tcp dport 80 reject with tcp reset");
        // wait (bounded, 10 s) until the health checks took the target down
        lab.exec(lb, "sh", "-c", "for i in $(seq 100); do curl -s http://127.0.0.1:9900/metrics | grep -Eq "
                + "'^l4lb_server_up[{]proxy=\"farm\",server=\"" + target + "\"[}] 0' && exit 0; sleep 0.1; done; exit 1");
        Map<String, Integer> after = tally(lab.exec(cl, "sh", "-c", "for i in $(seq 4); do curl -s --max-time 5 "
                + "http://" + vip + "/who; echo; done"));
        assertEquals(Map.of(survivor, 4), after, target + " failing its check takes no new flows");
        assertTrue(slow.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(sha256(Files.readAllBytes(dir.resolve("blob"))), Files.readString(sha).split(" ")[0],
                "the established download on " + target + " completed");
        String targetLog = Files.readString(dir.resolve("rs" + target.substring(2) + ".log"));
        assertTrue(targetLog.contains("serving blob"), "the slow download was served by " + target);
        lab.exec(ns, "nft", "delete table ip l4t");
    }

    /** The value of the sample of {@code name} whose labels include all of {@code labels}. */
    private static double metric(String exposition, String name, String... labels) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + " " + List.of(labels) + " in:\n" + exposition);
    }

    /** Packets received by the two real servers' decapsulator TUN devices (0 in DR mode). */
    private long decapPackets(String mode) throws Exception {
        if (!mode.equals("tunnel")) {
            return 0;
        }
        return lab.counter(lab.prefix() + "rs1", "l4lbdecap0", "rx_packets")
                + lab.counter(lab.prefix() + "rs2", "l4lbdecap0", "rx_packets");
    }

    /** Bytes received plus sent on the LB's only interface. */
    private long lbBytes(String lb) throws Exception {
        return lab.counter(lb, "eth0", "rx_bytes") + lab.counter(lb, "eth0", "tx_bytes");
    }

    private static Map<String, Integer> tally(String lines) {
        Map<String, Integer> m = new TreeMap<>();
        for (String l : lines.split("\n")) {
            if (!l.isBlank()) {
                m.merge(l.trim(), 1, Integer::sum);
            }
        }
        return m;
    }

    static String[] l4lb(String... args) {
        return PacketLab.l4lb(args);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
