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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload of {@code forward dr} services in place, end to end in namespaces made here (client, LB,
 * two real servers on one bridge), each piece a real process: {@code l4lb run -f} on the LB,
 * {@code l4lb realserver --apply} and a Python HTTP server on each real server, {@code l4lb ctl
 * reload} after the config file is rewritten. Checked: a real server added to a running DR
 * backend takes new flows, a new VIP port starts being served, a real server removed takes no new
 * flow, a real server added through the API takes flows, and a download that started before the
 * reloads runs to its last byte.
 */
@Privileged
class PacketReloadNetnsPrivilegedTest {
    private static final int BLOB = 4 << 20;
    private static final String SERVER_PY = """
            import sys, threading
            from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
            name, blob = sys.argv[1], sys.argv[2]
            class H(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.0"
                def log_message(self, *a): pass
                def do_GET(self):
                    body = open(blob, "rb").read() if self.path == "/blob" else name.encode()
                    self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
                    self.wfile.write(body)
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

    private static String config(String vip, String farmServers, String extra, Path token) {
        return PacketLab.farmConfig(vip, "dr", "rr", farmServers, extra, token);
    }

    @Test
    void drServicesAndRealServersChangeInPlace(@TempDir Path dir) throws Exception {
        lab = new NetnsL2Lab("rlall");
        String cl = lab.host("cl", 10);
        String lb = lab.host("lb", 2);
        String vip = lab.ip(100);
        byte[] blob = new byte[BLOB];
        new Random(11).nextBytes(blob);
        Files.write(dir.resolve("blob"), blob);
        Files.writeString(dir.resolve("server.py"), SERVER_PY);
        for (int i = 1; i <= 2; i++) {
            PacketLab.realServer(lab, dir, i, "dr", vip, "rs" + i, dir.resolve("blob").toString());
        }
        Path token = dir.resolve("token");
        Files.writeString(token, "tok-" + System.nanoTime() + "\n");
        Path cfg = dir.resolve("l4lb.cfg");
        String rs1 = "    server rs1 " + lab.ip(11) + ":80\n";
        String rs2 = "    server rs2 " + lab.ip(12) + ":80\n";
        Files.writeString(cfg, config(vip, rs1, "", token));
        lab.startAwaiting(lb, dir.resolve("lb.log"), "admin API listening", l4lb("run", "-f", cfg.toString()));
        assertEquals(Map.of("rs1", 4), who(cl, vip, 80, 4, " --retry 5 --retry-connrefused --retry-delay 1"));

        // A download from rs1 (rate-limited: it outlives both reloads).
        Path sha = dir.resolve("slow.sha");
        Process slow = lab.startAwaiting(cl, dir.resolve("slow.log"), "started", "sh", "-c",
                "curl -s --max-time 60 --limit-rate 1M http://" + vip + "/blob | { head -c 65536 > "
                        + dir.resolve("head") + "; echo started; cat " + dir.resolve("head") + " - | sha256sum > "
                        + sha + "; }");

        // Reload 1: rs2 joins farm, a new service on port 81 goes to rs2 only.
        Files.writeString(cfg, config(vip, rs1 + rs2, """
                frontend extra
                    bind %s:81
                    default_backend extra
                backend extra
                    forward dr
                    server rs2 %s:81
                """.formatted(vip, lab.ip(12)), token));
        String out = ctlReload(lb, token);
        assertTrue(out.contains("server farm/rs2 added"), out);
        assertTrue(out.contains("packet service " + vip + ":81/tcp dr -> extra added"), out);
        Map<String, Integer> both = who(cl, vip, 80, 6, "");
        assertEquals(2, both.size(), "rr over rs1 and rs2: " + both);
        assertEquals(6, both.values().stream().mapToInt(Integer::intValue).sum(), both.toString());
        assertEquals(Map.of("rs2", 3), who(cl, vip, 81, 3, ""));

        // Reload 2: rs1 leaves farm; its live download keeps going, new flows go to rs2.
        Files.writeString(cfg, config(vip, rs2, "", token));
        out = ctlReload(lb, token);
        assertTrue(out.contains("server farm/rs1 removed"), out);
        assertTrue(out.contains("packet service " + vip + ":81/tcp dr -> extra removed"), out);
        assertEquals(Map.of("rs2", 4), who(cl, vip, 80, 4, ""));
        // A real server added through the API to the running DR backend is forwarded to (its MAC followed).
        String added = lab.exec(lb, "curl", "-s", "--max-time", "5", "-X", "POST", "-H",
                "Authorization: Bearer " + Files.readString(token).strip(), "http://127.0.0.1:9900/api/backends/farm/servers",
                "-d", "{\"name\": \"rs1\", \"address\": \"" + lab.ip(11) + "\", \"port\": 80}");
        assertTrue(added.contains("rs1"), added);
        Map<String, Integer> again = who(cl, vip, 80, 6, "");
        assertEquals(2, again.size(), "rr over rs2 and the API-added rs1: " + again);
        assertTrue(slow.waitFor(60, TimeUnit.SECONDS), "the download ends");
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob)),
                Files.readString(sha).split(" ")[0], "the download that started on rs1 completed");
    }

    private String ctlReload(String lb, Path token) throws Exception {
        return lab.exec(lb, l4lb("ctl", "--url", "http://127.0.0.1:9900", "--token-file", token.toString(), "reload"));
    }

    private Map<String, Integer> who(String cl, String vip, int port, int n, String curlExtra) throws Exception {
        String lines = lab.exec(cl, "sh", "-c", "for i in $(seq " + n + "); do curl -s --max-time 5" + curlExtra
                + " http://" + vip + ":" + port + "/who; echo; done");
        Map<String, Integer> m = new TreeMap<>();
        for (String l : lines.split("\n")) {
            if (!l.isBlank()) {
                m.merge(l.trim(), 1, Integer::sum);
            }
        }
        return m;
    }

    private static String[] l4lb(String... args) {
        return PacketLab.l4lb(args);
    }
}
