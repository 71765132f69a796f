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
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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
    private NetnsL2Lab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void httpThroughTheVipWithDirectReturn(@TempDir Path dir) throws Exception {
        lab = new NetnsL2Lab("pk");
        String p = lab.prefix();
        String lbDev = p + "lb";
        lab.host("cl", 10);
        String rs = lab.host("rs", 11);
        String vip = lab.ip(100);
        lab.realServer(rs, vip);
        lab.localPort(lbDev);
        long lbMac = Bytes.parseMac(Files.readString(Path.of("/sys/class/net/" + lbDev + "/address")).trim());
        long rsMac = Bytes.parseMac(lab.exec(rs, "cat", "/sys/class/net/eth0/address").trim());

        byte[] blob = new byte[2 << 20];
        new Random(1).nextBytes(blob);
        Files.write(dir.resolve("blob"), blob);
        lab.start(rs, dir.resolve("server.log"), "/usr/bin/python3", "-m", "http.server", "80",
                "--bind", vip, "--directory", dir.toString());

        ServerRuntime rt = new ServerRuntime(ServerConfig.of("rs", lab.ip(11), 80), new InetSocketAddress(lab.ip(11), 80));
        BackendRuntime backend = new BackendRuntime(BackendConfig.of("web", "mh", List.of(rt.config())), List.of(rt));
        VirtualService svc = new VirtualService(Bytes.parseIpv4(vip), 80, 6, ForwardStyle.DR, backend, null,
                List.of(RealServer.of(rt, rsMac)));
        PacketPlane plane = new PacketPlane(EngineConfig.of(lbMac, Bytes.parseIpv4(lab.ip(2))), true);
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
            sha = lab.exec(p + "cl", "sh", "-c", "curl -s --max-time 30 --retry 10 "
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
}
