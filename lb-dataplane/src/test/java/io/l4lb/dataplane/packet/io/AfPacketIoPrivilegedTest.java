package io.l4lb.dataplane.packet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.testing.Privileged;
import io.l4lb.core.time.FakeClock;
import io.l4lb.dataplane.nativeio.Libc;
import io.l4lb.dataplane.nativeio.PacketSocket;
import io.l4lb.dataplane.packet.Frame;
import io.l4lb.dataplane.packet.PacketPlane;
import io.l4lb.dataplane.packet.Verdict;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames.Golden;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real AF_PACKET I/O: a veth pair made by the test, no addresses, IPv6 off (no traffic but ours).
 * Golden frames are injected on one end; the engine works on the other end's TPACKET_V3 ring and
 * sends its DR frames and ARP reply back out; a second ring on the first end captures them.
 */
@Privileged
class AfPacketIoPrivilegedTest {
    private final String lbSide = "pkl" + ProcessHandle.current().pid() % 100000;
    private final String peerSide = "pkp" + ProcessHandle.current().pid() % 100000;

    @BeforeEach
    void veth() throws IOException, InterruptedException {
        sh("ip", "link", "add", lbSide, "type", "veth", "peer", "name", peerSide);
        for (String dev : List.of(lbSide, peerSide)) {
            sh("sysctl", "-q", "-w", "net.ipv6.conf." + dev + ".disable_ipv6=1");
            sh("ip", "link", "set", dev, "up");
        }
    }

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        sh("ip", "link", "del", lbSide);
    }

    @Test
    void drFramesAndArpRepliesLeaveThroughTheRing() throws Exception {
        List<Golden> fixtures = GoldenFrames.all().stream()
                .filter(g -> List.of("dr-syn", "dr-established", "arp-who-has-vip", "not-a-vip").contains(g.name()))
                .toList();
        PacketPlane plane = GoldenFrames.plane(true);
        try (Arena arena = Arena.ofConfined();
             AfPacketIo lb = AfPacketIo.open(Libc.ifNameToIndex(lbSide), 0, 1 << 16, 4);
             AfPacketIo capture = AfPacketIo.open(Libc.ifNameToIndex(peerSide), 0, 1 << 16, 4);
             PacketSocket inject = PacketSocket.openSender(Libc.ifNameToIndex(peerSide))) {
            FakeClock clock = new FakeClock();
            PacketWorker worker = new PacketWorker(plane.newWorker(clock), lb, arena, 16, 2048, clock);
            MemorySegment buf = arena.allocate(2048);
            for (Golden g : fixtures) {
                MemorySegment.copy(g.input(), 0, buf, ValueLayout.JAVA_BYTE, 0, g.input().length);
                int type = ((g.input()[12] & 0xff) << 8) | (g.input()[13] & 0xff);
                assertEquals(g.input().length, inject.send(buf, g.input().length, type), g.name());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long handled = 0;
            while (handled < fixtures.size() && System.nanoTime() < deadline) {
                lb.await(100);
                handled += worker.pollOnce();
            }
            assertEquals(fixtures.size(), handled, "frames read from the ring");
            assertEquals(2, worker.verdicts(Verdict.DR_FORWARD));
            assertEquals(1, worker.verdicts(Verdict.REPLY));
            assertEquals(1, worker.verdicts(Verdict.PASS));

            List<String> expected = fixtures.stream().filter(g -> g.output() != null)
                    .map(g -> HexFormat.of().formatHex(g.output())).toList();
            List<String> seen = new ArrayList<>();
            Frame[] frames = {Frame.allocate(arena, 64)};
            while (seen.size() < expected.size() && System.nanoTime() < deadline) {
                capture.await(100);
                while (capture.receive(frames) == 1) {
                    seen.add(HexFormat.of().formatHex(frames[0].toBytes()));
                }
            }
            for (String e : expected) {
                assertTrue(seen.contains(e), "sent frame " + e + " not among " + seen);
            }
        }
    }

    @Test
    void fanoutHashKeepsEachFlowOnOneSocket() throws Exception {
        int group = (int) (ProcessHandle.current().pid() & 0x7fff) | 1;
        try (Arena arena = Arena.ofConfined();
             AfPacketIo a = AfPacketIo.open(Libc.ifNameToIndex(lbSide), group, 1 << 16, 64);
             AfPacketIo b = AfPacketIo.open(Libc.ifNameToIndex(lbSide), group, 1 << 16, 64);
             PacketSocket inject = PacketSocket.openSender(Libc.ifNameToIndex(peerSide))) {
            MemorySegment buf = arena.allocate(2048);
            for (int round = 0; round < 2; round++) {
                for (int flow = 0; flow < 100; flow++) {
                    byte[] f = GoldenFrames.tcpFrame(30000 + flow, GoldenFrames.DR_PORT, GoldenFrames.ACK, 0);
                    MemorySegment.copy(f, 0, buf, ValueLayout.JAVA_BYTE, 0, f.length);
                    assertEquals(f.length, inject.send(buf, f.length, 0x0800));
                }
            }
            java.util.Map<Integer, java.util.Set<Character>> socketsPerFlow = new java.util.HashMap<>();
            int[] got = new int[2];
            Frame[] frames = {Frame.allocate(arena, 64), Frame.allocate(arena, 64)};
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got[0] + got[1] < 200 && System.nanoTime() < deadline) {
                a.await(20);
                for (int s = 0; s < 2; s++) {
                    AfPacketIo io = s == 0 ? a : b;
                    int n;
                    while ((n = io.receive(frames)) > 0) {
                        for (int i = 0; i < n; i++) {
                            byte[] bytes = frames[i].toBytes();
                            int sport = ((bytes[34] & 0xff) << 8) | (bytes[35] & 0xff);
                            socketsPerFlow.computeIfAbsent(sport, k -> new java.util.HashSet<>()).add((char) ('a' + s));
                            got[s]++;
                        }
                    }
                }
            }
            assertEquals(200, got[0] + got[1], "frames received by the group");
            assertTrue(got[0] > 0 && got[1] > 0, "both members got flows: " + got[0] + "/" + got[1]);
            assertEquals(100, socketsPerFlow.size());
            socketsPerFlow.forEach((flow, sockets) -> assertEquals(1, sockets.size(), "flow " + flow + " split"));
        }
    }

    private static void sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + ": " + out);
        }
    }
}
