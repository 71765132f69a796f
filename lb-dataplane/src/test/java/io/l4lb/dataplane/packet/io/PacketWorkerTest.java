package io.l4lb.dataplane.packet.io;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.l4lb.core.time.FakeClock;
import io.l4lb.dataplane.packet.Frame;
import io.l4lb.dataplane.packet.PacketPlane;
import io.l4lb.dataplane.packet.Verdict;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames.Golden;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker loop over the in-memory packet I/O: batches, sends only what must leave, expires flows. */
class PacketWorkerTest {
    @Test
    void goldenFixturesThroughTheWorkerSendExactlyTheExpectedFrames() {
        List<Golden> all = GoldenFrames.all();
        PacketPlane plane = GoldenFrames.plane(true);
        try (Arena arena = Arena.ofConfined(); InMemoryPacketIo io = InMemoryPacketIo.recording(
                all.stream().map(Golden::input).toList())) {
            FakeClock clock = new FakeClock();
            PacketWorker w = new PacketWorker(plane.newWorker(clock), io, arena, 8, 2048, clock);
            assertEquals(all.size(), w.drain(1000));
            List<Golden> sending = all.stream().filter(g -> g.output() != null).toList();
            assertEquals(sending.size(), io.sent().size());
            for (int i = 0; i < sending.size(); i++) {
                assertArrayEquals(sending.get(i).output(), io.sent().get(i).bytes(), sending.get(i).name());
                assertEquals(sending.get(i).verdict() == Verdict.TUNNEL_FORWARD ? Frame.Kind.IPV4 : Frame.Kind.ETHERNET,
                        io.sent().get(i).kind());
            }
            for (Verdict v : Verdict.values()) {
                assertEquals(all.stream().filter(g -> g.verdict() == v).count(), w.verdicts(v), v.name());
            }
        }
    }

    @Test
    void cyclingIoFeedsBatchesUntilItsLimitAndTheWorkerExpiresIdleFlows() {
        FakeClock clock = new FakeClock();
        PacketPlane plane = GoldenFrames.plane(true);
        List<byte[]> syns = new java.util.ArrayList<>();
        for (int p = 0; p < 100; p++) {
            syns.add(tcpFrame(20000 + p, DR_PORT, SYN, 0));
        }
        try (Arena arena = Arena.ofConfined(); InMemoryPacketIo io = InMemoryPacketIo.cycling(syns, 1000)) {
            PacketWorker w = new PacketWorker(plane.newWorker(clock), io, arena, 32, 2048, clock);
            assertEquals(1000, w.drain(Long.MAX_VALUE));
            assertEquals(1000, io.sentCount());
            assertEquals(1000L * 60, io.sentBytes());
            assertEquals(100, w.engine().table().size());
            var svc = plane.services().lookup(VIP, DR_PORT, 6);
            assertEquals(1000, svc.counters().packets.sum(), "run-length counts flushed after each batch");
            assertEquals(1000L * 40, svc.counters().bytes.sum());
            assertEquals(1000, svc.servers().getFirst().runtime().counters().packets.sum());
            clock.advance(Duration.ofSeconds(61));
            try (InMemoryPacketIo more = InMemoryPacketIo.cycling(List.of(tcpFrame(1, 443, SYN, 0)), 3000)) {
                PacketWorker w2 = new PacketWorker(w.engine(), more, arena, 32, 2048, clock);
                w2.drain(Long.MAX_VALUE); // each batch sweeps a few slots
                assertEquals(0, w.engine().table().size());
                assertEquals(3000, w2.verdicts(Verdict.DROP));
            }
        }
    }
}
