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

    private static void sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + ": " + out);
        }
    }
}
