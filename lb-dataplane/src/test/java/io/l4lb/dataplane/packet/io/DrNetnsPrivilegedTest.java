package io.l4lb.dataplane.packet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.testing.Privileged;
import io.l4lb.dataplane.nativeio.Libc;
import io.l4lb.dataplane.packet.EngineConfig;
import io.l4lb.dataplane.packet.PacketPlane;
import io.l4lb.dataplane.packet.RealServer;
import io.l4lb.dataplane.packet.ServiceTable;
import io.l4lb.dataplane.packet.Verdict;
import io.l4lb.dataplane.packet.VirtualService;
import io.l4lb.dataplane.packet.wire.Bytes;
import io.l4lb.core.time.NanoClock;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DR end to end with the kernel's own TCP: namespaces client and rs on a bridge (namespace sw),
 * the LB's AF_PACKET ring on a veth of the test JVM's namespace plugged into the same bridge
 * (no address on it). The client fetches 2 MB over HTTP from the VIP; the LB answers ARP for the
 * VIP and rewrites MACs; the real server (VIP on lo, arp_ignore=1, arp_announce=2) replies direct.
 * Client frames are checksum-offloaded (veth), so this also exercises PACKET_VNET_HDR.
 */
@Privileged
class DrNetnsPrivilegedTest {
    private final String p = "pk" + ProcessHandle.current().pid() % 10000;
    private final int net = 150 + (int) (ProcessHandle.current().pid() % 90);
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final String lbDev = p + "lb";

    @AfterEach
    void cleanUp() throws Exception {
        for (Process pr : processes) {
            pr.destroy();
            if (!pr.waitFor(5, TimeUnit.SECONDS)) {
                pr.destroyForcibly();
            }
        }
        sh(false, "ip", "link", "del", lbDev);
        for (String ns : namespaces) {
            sh(false, "ip", "netns", "del", ns);
        }
    }

    private String ip(int host) {
        return "10." + net + ".0." + host;
    }

    private void host(String ns, String port, int hostNo) throws Exception {
        sh(true, "ip", "netns", "add", ns);
        namespaces.add(ns);
        sh(true, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh(true, "ip", "link", "set", port, "netns", p + "sw");
        sh(true, "ip", "-n", p + "sw", "link", "set", port, "master", "br0", "up");
        sh(true, "ip", "-n", ns, "link", "set", "lo", "up");
        sh(true, "ip", "-n", ns, "addr", "add", ip(hostNo) + "/24", "dev", "eth0");
        sh(true, "ip", "-n", ns, "link", "set", "eth0", "up");
    }

    @Test
    void httpThroughTheVipWithDirectReturn(@TempDir Path dir) throws Exception {
        sh(true, "ip", "netns", "add", p + "sw");
        namespaces.add(p + "sw");
        sh(true, "ip", "-n", p + "sw", "link", "add", "br0", "type", "bridge");
        sh(true, "ip", "-n", p + "sw", "link", "set", "br0", "up");
        host(p + "cl", p + "c", 10);
        host(p + "rs", p + "r", 11);
        String vip = ip(100);
        String rs = p + "rs";
        sh(true, "ip", "-n", rs, "addr", "add", vip + "/32", "dev", "lo");
        for (String k : List.of("all", "eth0")) {
            sh(true, "ip", "netns", "exec", rs, "sysctl", "-q", "-w", "net.ipv4.conf." + k + ".arp_ignore=1");
            sh(true, "ip", "netns", "exec", rs, "sysctl", "-q", "-w", "net.ipv4.conf." + k + ".arp_announce=2");
        }
        sh(true, "ip", "link", "add", lbDev, "type", "veth", "peer", "name", p + "l", "netns", p + "sw");
        sh(true, "ip", "-n", p + "sw", "link", "set", p + "l", "master", "br0", "up");
        sh(true, "sysctl", "-q", "-w", "net.ipv6.conf." + lbDev + ".disable_ipv6=1");
        sh(true, "ip", "link", "set", lbDev, "up");
        long lbMac = Bytes.parseMac(Files.readString(Path.of("/sys/class/net/" + lbDev + "/address")).trim());
        long rsMac = Bytes.parseMac(sh(true, "ip", "netns", "exec", rs, "cat", "/sys/class/net/eth0/address").trim());

        byte[] blob = new byte[2 << 20];
        new Random(1).nextBytes(blob);
        Files.write(dir.resolve("blob"), blob);
        Process server = new ProcessBuilder("ip", "netns", "exec", rs, "/usr/bin/python3", "-m", "http.server", "80",
                "--bind", vip, "--directory", dir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        processes.add(server);

        ServerRuntime rt = new ServerRuntime(ServerConfig.of("rs", ip(11), 80), new InetSocketAddress(ip(11), 80));
        BackendRuntime backend = new BackendRuntime(BackendConfig.of("web", "mh", List.of(rt.config())), List.of(rt));
        VirtualService svc = new VirtualService(Bytes.parseIpv4(vip), 80, 6, ForwardStyle.DR, backend, null,
                List.of(RealServer.of(rt, rsMac)));
        PacketPlane plane = new PacketPlane(EngineConfig.of(lbMac, Bytes.parseIpv4(ip(2))), true);
        plane.setServices(ServiceTable.builder().add(svc).build());

        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<PacketWorker> lb = CompletableFuture.supplyAsync(() -> {
            try (Arena arena = Arena.ofConfined(); AfPacketIo io = AfPacketIo.open(Libc.ifNameToIndex(lbDev), 0, 1 << 20, 8)) {
                PacketWorker w = new PacketWorker(plane.newWorker(NanoClock.SYSTEM), io, arena, 64, 2048);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!stop.get() && System.nanoTime() < deadline) {
                    io.await(20);
                    w.pollOnce();
                }
                return w;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String sha;
        try {
            sha = sh(true, "ip", "netns", "exec", p + "cl", "sh", "-c", "curl -s --max-time 30 --retry 10 "
                    + "--retry-connrefused --retry-delay 1 http://" + vip + "/blob | sha256sum").split(" ")[0];
        } finally {
            stop.set(true);
        }
        PacketWorker w = lb.get(70, TimeUnit.SECONDS);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob)), sha);
        assertTrue(w.verdicts(Verdict.REPLY) >= 1, "the LB answered ARP for the VIP");
        assertTrue(w.verdicts(Verdict.DR_FORWARD) >= 3, "SYN, ACK, request forwarded");
        assertTrue(svc.counters().bytes.sum() < blob.length / 4,
                "the 2 MB reply did not pass through the LB: " + svc.counters().bytes.sum() + " bytes forwarded");
        assertEquals(0, plane.counters().dropsTotal(), "drops " + plane.counters().drops());
    }

    private static String sh(boolean check, String... argv) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes());
        if (!pr.waitFor(60, TimeUnit.SECONDS) || (check && pr.exitValue() != 0)) {
            throw new IOException(String.join(" ", argv) + ": " + out);
        }
        return out;
    }
}
