package io.l4lb.dataplane.packet;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.l4lb.core.time.FakeClock;
import io.l4lb.dataplane.packet.fixtures.FrameBuilder;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import io.l4lb.dataplane.packet.fixtures.GsoFrames;
import io.l4lb.dataplane.packet.io.InMemoryPacketIo;
import io.l4lb.dataplane.packet.io.PacketWorker;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * GSO super-frames (PACKET_VNET_HDR gso_size) to a tunnel service, through the worker and the
 * in-memory packet I/O: a super-frame in, its IPIP segments out as separate sends, byte for byte;
 * bad super-frames dropped, counted, and nothing sent.
 */
class GsoTunnelTest {
    /** 20 + 20 + 32 (timestamps) + 1428 = 1500 with the IPIP header: the largest that fits MTU 1500. */
    private static final int MSS = 1428;

    @Test
    void aPartialChecksumSuperFrameLeavesAsItsSegments() {
        GsoFrames g = GsoFrames.of(4 * MSS + 100, MSS);
        PacketPlane plane = GoldenFrames.plane(true);
        List<InMemoryPacketIo.Sent> sent = run(plane, List.of(g.partialFrame()), MSS, g.tcpOffset(), 16, 1);
        List<byte[]> expected = g.expectedSegments();
        assertEquals(5, expected.size());
        assertEquals(expected.size(), sent.size());
        for (int k = 0; k < sent.size(); k++) {
            assertEquals(Frame.Kind.IPV4, sent.get(k).kind());
            assertEquals(HexFormat.of().formatHex(expected.get(k)), HexFormat.of().formatHex(sent.get(k).bytes()),
                    "segment " + k);
        }
        EngineCounters c = plane.counters();
        assertEquals(1, c.gsoSuperFrames.sum());
        assertEquals(5, c.gsoSegments.sum());
        VirtualService svc = plane.services().lookup(VIP, TUNNEL_PORT, 6);
        assertEquals(5, svc.counters().packets.sum(), "the segments that left are counted");
        long innerBytes = expected.stream().mapToLong(b -> b.length - 20).sum();
        assertEquals(innerBytes, svc.counters().bytes.sum());
        assertEquals(5, svc.servers().getFirst().runtime().counters().packets.sum());
        assertEquals(0, c.dropsTotal());
    }

    /** Plain frames before and after a super-frame in one batch are untouched by its segmentation. */
    @Test
    void segmentsInterleaveWithPlainFramesOfTheSameBatch() {
        GsoFrames g = GsoFrames.of(3 * 1000, 1000);
        PacketPlane plane = GoldenFrames.plane(true);
        try (Arena arena = Arena.ofConfined(); InMemoryPacketIo io = InMemoryPacketIo.recording(List.of(g.frame()))) {
            PacketWorker w = new PacketWorker(plane.newWorker(new FakeClock()), io, arena, 8, 4096, new FakeClock());
            io.withOffload(1000, -1, 0); // a full checksum, no offload: segmented all the same
            assertEquals(1, w.drain(10));
            assertEquals(1, w.verdicts(Verdict.TUNNEL_SEGMENTS));
            assertEquals(3, io.sent().size());
            for (int k = 0; k < 3; k++) {
                assertEquals(HexFormat.of().formatHex(g.expectedSegments().get(k)),
                        HexFormat.of().formatHex(io.sent().get(k).bytes()));
            }
        }
        byte[] plain1 = tcpFrame(CLIENT_PORT + 1, TUNNEL_PORT, PSH_ACK, 200);
        byte[] plain2 = tcpFrame(CLIENT_PORT + 2, TUNNEL_PORT, PSH_ACK, 300);
        PacketPlane p2 = GoldenFrames.plane(true);
        PacketEngine e = p2.newWorker(new FakeClock());
        try (Arena arena = Arena.ofConfined()) {
            Frame a = Frame.allocate(arena, 4096).load(plain1);
            Frame b = Frame.allocate(arena, 4096).load(g.frame());
            b.reset(b.start(), b.length(), 1000);
            Frame c = Frame.allocate(arena, 4096).load(plain2);
            assertEquals(Verdict.TUNNEL_FORWARD, e.process(a));
            assertEquals(Verdict.TUNNEL_SEGMENTS, e.process(b));
            assertEquals(Verdict.TUNNEL_FORWARD, e.process(c));
            List<byte[]> segs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                segs.add(b.toBytes());
                if (!e.nextSegment(b)) {
                    break;
                }
            }
            assertEquals(3, segs.size());
            assertEquals(HexFormat.of().formatHex(g.expectedSegments().get(2)), HexFormat.of().formatHex(segs.get(2)));
            byte[] ip1 = FrameBuilder.slice(plain1, 14, 14 + 40 + 200);
            assertEquals(HexFormat.of().formatHex(ip1), HexFormat.of().formatHex(FrameBuilder.slice(a.toBytes(), 20, 20 + ip1.length)));
            byte[] ip2 = FrameBuilder.slice(plain2, 14, 14 + 40 + 300);
            assertEquals(HexFormat.of().formatHex(ip2), HexFormat.of().formatHex(FrameBuilder.slice(c.toBytes(), 20, 20 + ip2.length)));
        }
    }

    /** A super-frame whose payload fits one segment is a plain packet: its partial checksum completed, sent as is. */
    @Test
    void aSuperFrameOfOneSegmentIsForwardedAsIs() {
        GsoFrames g = GsoFrames.of(MSS, MSS);
        PacketPlane plane = GoldenFrames.plane(true);
        List<InMemoryPacketIo.Sent> sent = run(plane, List.of(g.partialFrame()), MSS, g.tcpOffset(), 16, 0);
        assertEquals(1, sent.size());
        assertEquals(HexFormat.of().formatHex(g.expectedSegments().getFirst()), HexFormat.of().formatHex(sent.getFirst().bytes()));
        assertEquals(0, plane.counters().gsoSuperFrames.sum());
    }

    @Test
    void badSuperFramesAreDroppedCountedAndNothingIsSent() {
        GsoFrames g = GsoFrames.of(3 * 1000, 1000);
        int tcp = g.tcpOffset();
        assertDropped(g.partialFrame(), 1000, tcp, 16, b -> {
            b[tcp + 12] = 0x40; // data offset 4 words: below the 20-byte minimum
            return b;
        }, DropReason.BAD_TCP_HEADER);
        assertDropped(g.partialFrame(), 1000, tcp, 16, b -> {
            b[14 + 10] ^= 0x01; // IPv4 header checksum
            return b;
        }, DropReason.BAD_IP_CHECKSUM);
        assertDropped(g.partialFrame(), 1000, tcp, 16, b -> {
            b[14 + 2] = 0x7f; // total length beyond the frame
            return b;
        }, DropReason.TRUNCATED_IP);
        // the offload names a field that is not the TCP checksum
        assertDropped(g.partialFrame(), 1000, 14, 10, UnaryOperator.identity(), DropReason.BAD_GSO);
        assertDropped(g.partialFrame(), 1000, tcp, 6, UnaryOperator.identity(), DropReason.BAD_GSO);
        // UDP super-frames (UDP GSO) are not segmented
        byte[] udp = FrameBuilder.ipv4(0, 9, DF, 64, 17, CLIENT, VIP, new byte[0],
                FrameBuilder.udp(CLIENT, VIP, 5000, TUNNEL_PORT, new byte[3000]));
        PacketPlane plane = GoldenFrames.plane(true);
        plane.setServices(ServiceTable.builder()
                .add(plane.services().lookup(VIP, TUNNEL_PORT, 6))
                .add(new VirtualService(VIP, TUNNEL_PORT, 17, io.l4lb.core.config.ForwardStyle.TUNNEL,
                        plane.services().lookup(VIP, TUNNEL_PORT, 6).backend(), null,
                        plane.services().lookup(VIP, TUNNEL_PORT, 6).servers()))
                .build());
        assertEquals(List.of(), runFor(plane, FrameBuilder.ethernet(LB_MAC, ROUTER_MAC, -1, 0x0800, udp), 1000, -1, 0));
        assertEquals(1, plane.counters().drops(DropReason.GSO_NOT_SEGMENTED));
        // a segment over the MTU without DF: dropped (with DF: frag-needed, EngineEdgeCasesTest)
        GsoFrames noDf = GsoFrames.of(3 * 1460, 1460);
        byte[] f = noDf.frame();
        f[14 + 6] = 0;
        f[14 + 10] = 0;
        f[14 + 11] = 0;
        int c = FrameBuilder.checksum(f, 14, 20);
        f[14 + 10] = (byte) (c >>> 8);
        f[14 + 11] = (byte) c;
        assertDropped(f, 1460, -1, 0, UnaryOperator.identity(), DropReason.TOO_BIG);
    }

    private static void assertDropped(byte[] frame, int gso, int csumStart, int csumOffset, UnaryOperator<byte[]> damage,
                                      DropReason reason) {
        PacketPlane plane = GoldenFrames.plane(true);
        assertEquals(List.of(), runFor(plane, damage.apply(frame), gso, csumStart, csumOffset), reason.name());
        assertEquals(1, plane.counters().drops(reason), reason.name());
        assertEquals(1, plane.counters().dropsTotal(), reason.name());
        assertEquals(0, plane.counters().gsoSuperFrames.sum());
        assertEquals(0, plane.services().lookup(VIP, TUNNEL_PORT, 6).counters().packets.sum());
    }

    private static List<InMemoryPacketIo.Sent> runFor(PacketPlane plane, byte[] frame, int gso, int csumStart,
                                                      int csumOffset) {
        try (Arena arena = Arena.ofConfined(); InMemoryPacketIo io = InMemoryPacketIo.recording(List.of(frame))) {
            io.withOffload(gso, csumStart, csumOffset);
            PacketEngine e = plane.newWorker(new FakeClock());
            PacketWorker w = new PacketWorker(e, io, arena, 4, 8192, new FakeClock());
            assertEquals(1, w.drain(10));
            assertEquals(0, e.table().size(), "no flow for a dropped frame");
            return io.sent();
        }
    }

    private static List<InMemoryPacketIo.Sent> run(PacketPlane plane, List<byte[]> frames, int gso, int csumStart,
                                                   int csumOffset, int superFrames) {
        try (Arena arena = Arena.ofConfined(); InMemoryPacketIo io = InMemoryPacketIo.recording(frames)) {
            io.withOffload(gso, csumStart, csumOffset);
            PacketWorker w = new PacketWorker(plane.newWorker(new FakeClock()), io, arena, 4, 8192, new FakeClock());
            assertEquals(frames.size(), w.drain(10));
            assertEquals(superFrames, w.verdicts(Verdict.TUNNEL_SEGMENTS));
            return io.sent();
        }
    }
}
