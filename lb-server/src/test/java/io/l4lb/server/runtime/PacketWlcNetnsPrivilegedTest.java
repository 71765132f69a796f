package io.l4lb.server.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.l4lb.core.testing.Privileged;
import io.l4lb.dataplane.packet.io.NetnsL2Lab;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code balance wlc} over {@code forward dr}, observed at the real servers: {@code l4lb run} in a
 * namespace LB, two real servers of weight 1 and 3, a client that opens long-lived connections one
 * at a time through the VIP (each real server answers with its name on accept and holds the
 * connection) and closes some of them.
 *
 * <p>Every pick must be the one LVS's {@code ip_vs_wlc_schedule} makes from the real servers'
 * counts at that moment: the least {@code overhead / weight} with {@code overhead = active * 256 +
 * inactive}, compared by cross multiplication, ties to the first server. The test keeps its own
 * model of the counts (a connection is active once its real server answered, since the client's
 * handshake ACK reached the server through the LB; a connection the client closed is inactive,
 * FIN_WAIT, for 120 s), checks it against the LB's counters through the admin API before relying
 * on it, and asserts the exact sequence. The connections are opened one at a time, so the flow is
 * deterministic: phase 1 (8 connections, all active) gives 2 and 6; phase 2, after closing one
 * connection of rs1 and two of rs2, is decided once by the inactive count alone (rs2 at 6 active +
 * 2 inactive costs 1538/3, rs1 at 2 + 1 costs 513/1: rs2, where counting active only would tie
 * and give rs1).
 */
@Privileged
class PacketWlcNetnsPrivilegedTest {
    private static final String SERVER_PY = """
            import socket, sys, threading
            name = sys.argv[1].encode()
            srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            srv.bind(("0.0.0.0", 80)); srv.listen(64)
            print("ready", flush=True)
            def hold(c):
                while c.recv(4096): pass
                c.close()
            while True:
                c, _ = srv.accept()
                print("accept", flush=True)
                c.sendall(name + b"\\n")
                threading.Thread(target=hold, args=(c,), daemon=True).start()
            """;
    /** Reads "open" / "close NAME" lines; prints the server name of each opened connection, "closed". */
    private static final String CLIENT_PY = """
            import socket, sys
            vip, conns = sys.argv[1], []
            print("ready", flush=True)
            while True:
                cmd = sys.stdin.readline().split()
                if not cmd: break
                if cmd[0] == "open":
                    s = socket.create_connection((vip, 80), timeout=20)
                    buf = b""
                    while not buf.endswith(b"\\n"):
                        b = s.recv(64)
                        if not b: sys.exit("eof before the server's name")
                        buf += b
                    conns.append((buf.decode().strip(), s))
                    print(conns[-1][0], flush=True)
                else:
                    i = next(i for i, (n, _) in enumerate(conns) if n == cmd[1])
                    conns.pop(i)[1].close()
                    print("closed", flush=True)
            """;
    private static final List<String> NAMES = List.of("rs1", "rs2");
    private static final int[] WEIGHTS = {1, 3};

    private final ObjectMapper mapper = new ObjectMapper();
    private NetnsL2Lab lab;
    private final int[] active = new int[2];
    private final int[] inactive = new int[2];

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void wlcSplitFollowsLvsOverheadOverWeight(@TempDir Path dir) throws Exception {
        lab = new NetnsL2Lab("qw");
        String cl = lab.host("cl", 10);
        String lb = lab.host("lb", 2);
        String vip = lab.ip(100);
        Files.writeString(dir.resolve("server.py"), SERVER_PY);
        Files.writeString(dir.resolve("client.py"), CLIENT_PY);
        for (int i = 1; i <= 2; i++) {
            PacketLab.realServer(lab, dir, i, "dr", vip, "rs" + i);
        }
        Path cfg = dir.resolve("l4lb.cfg");
        Files.writeString(cfg, PacketLab.farmConfig(vip, "dr", "wlc", """
                    server rs1 %s:80 weight 1
                    server rs2 %s:80 weight 3
                """.formatted(lab.ip(11), lab.ip(12)), "", null));
        lab.startAwaiting(lb, dir.resolve("lb.log"), "admin API listening",
                PacketPlaneNetnsPrivilegedTest.l4lb("run", "-f", cfg.toString()));
        Path clientLog = dir.resolve("client.log");
        Process client = lab.startAwaiting(cl, clientLog, "ready", "/usr/bin/python3",
                dir.resolve("client.py").toString(), vip);
        OutputStream cmd = client.getOutputStream();
        List<String> lines = new ArrayList<>(List.of("ready"));

        // phase 1: 8 connections, each established before the next SYN
        List<String> picks = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            expected.add(NAMES.get(lvsWlc()));
            String got = command(cmd, clientLog, lines, "open");
            picks.add(got);
            active[NAMES.indexOf(got)]++;
        }
        System.out.println("wlc phase 1 (weights 1:3, all active): " + picks);
        assertEquals(expected, picks, "phase 1 picks");
        assertEquals(List.of("rs1", "rs2", "rs2", "rs2", "rs1", "rs2", "rs2", "rs2"), picks,
                "the LVS sequence worked out by hand for weights 1:3");
        awaitLbCounts(lb);

        // phase 2: one connection of rs1 and two of rs2 end (client FIN: FIN_WAIT, inactive)
        for (String n : List.of("rs1", "rs2", "rs2")) {
            assertEquals("closed", command(cmd, clientLog, lines, "close " + n));
            active[NAMES.indexOf(n)]--;
            inactive[NAMES.indexOf(n)]++;
        }
        awaitLbCounts(lb);
        List<String> picks2 = new ArrayList<>();
        List<String> expected2 = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            expected2.add(NAMES.get(lvsWlc()));
            String got = command(cmd, clientLog, lines, "open");
            picks2.add(got);
            active[NAMES.indexOf(got)]++;
        }
        System.out.println("wlc phase 2 (rs1 1+1 inactive, rs2 4+2 inactive): " + picks2);
        assertEquals(expected2, picks2, "phase 2 picks");
        assertEquals(List.of("rs1", "rs2", "rs2", "rs2", "rs1", "rs2", "rs2", "rs2"), picks2);
        awaitLbCounts(lb);

        // what the real servers saw: connections accepted by each
        Map<String, Integer> accepted = new TreeMap<>();
        for (String n : NAMES) {
            accepted.put(n, (int) Files.readAllLines(dir.resolve(n + ".log")).stream().filter("accept"::equals).count());
        }
        assertEquals(Map.of("rs1", 4, "rs2", 12), accepted, "connections accepted at the real servers");
        cmd.close();
    }

    /** LVS {@code ip_vs_wlc_schedule} over the model: least (active*256+inactive)/weight, first wins ties. */
    private int lvsWlc() {
        int least = -1;
        long loh = 0;
        for (int i = 0; i < WEIGHTS.length; i++) {
            long doh = active[i] * 256L + inactive[i];
            if (least < 0 || loh * WEIGHTS[i] > doh * WEIGHTS[least]) {
                least = i;
                loh = doh;
            }
        }
        return least;
    }

    /** Sends one command to the client and returns its answer line (bounded wait, 30 s). */
    private static String command(OutputStream cmd, Path log, List<String> seen, String line) throws Exception {
        cmd.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        cmd.flush();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<String> all = Files.readAllLines(log);
            if (all.size() > seen.size() && all.get(seen.size()).length() > 0) {
                String answer = all.get(seen.size());
                seen.add(answer);
                return answer;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll interval of the bounded wait
        }
        throw new AssertionError("no answer to '" + line + "' from the client:\n" + Files.readString(log));
    }

    /** Waits (bounded, 20 s) until the LB's admin API reports the model's active/inactive counts. */
    private void awaitLbCounts(String lb) throws Exception {
        String last = "";
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            last = lab.exec(lb, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9900/api/backends/farm");
            JsonNode servers = mapper.readTree(last).get("servers");
            boolean match = true;
            for (JsonNode s : servers) {
                int i = NAMES.indexOf(s.get("name").asText());
                match &= s.get("stats").get("current_sessions").asInt() == active[i]
                        && s.get("stats").get("inactive_sessions").asInt() == inactive[i];
            }
            if (match) {
                return;
            }
        }
        throw new AssertionError("LB counts never matched active " + java.util.Arrays.toString(active)
                + " inactive " + java.util.Arrays.toString(inactive) + ": " + last);
    }
}
