package io.l4lb.dataplane.packet;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.time.FakeClock;
import io.l4lb.dataplane.packet.fixtures.FrameBuilder;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames.Golden;
import java.lang.foreign.Arena;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every golden fixture through one engine: verdict, output bytes, output kind, drop counter. */
class GoldenFramesTest {
    private final Arena arena = Arena.ofAuto();
    private final PacketPlane plane = GoldenFrames.plane(true);
    private final PacketEngine engine = plane.newWorker(new FakeClock());

    private Frame run(byte[] input) {
        Frame f = Frame.allocate(arena, 2048).load(input);
        engine.process(f);
        return f;
    }

    @Test
    void everyFixtureGetsItsVerdictAndOutput() {
        List<Golden> all = GoldenFrames.all();
        assertTrue(all.size() >= 29, "fixture count " + all.size());
        for (Golden g : all) {
            long dropsBefore = g.reason() == null ? 0 : plane.counters().drops(g.reason());
            Frame f = Frame.allocate(arena, 2048).load(g.input());
            Verdict v = engine.process(f);
            assertEquals(g.verdict(), v, g.name());
            if (g.output() != null) {
                assertEquals(HexFormat.of().formatHex(g.output()), HexFormat.of().formatHex(f.toBytes()), g.name());
                assertEquals(g.verdict() == Verdict.TUNNEL_FORWARD ? Frame.Kind.IPV4 : Frame.Kind.ETHERNET, f.kind(),
                        g.name());
            }
            if (g.reason() != null) {
                assertEquals(g.reason(), f.dropReason(), g.name());
                assertEquals(dropsBefore + 1, plane.counters().drops(g.reason()), g.name() + " counted");
            } else {
                assertNull(f.dropReason(), g.name());
            }
        }
    }

    @Test
    void fixtureNamesAreUnique() {
        Map<String, Long> names = GoldenFrames.all().stream()
                .collect(Collectors.groupingBy(Golden::name, Collectors.counting()));
        names.forEach((n, c) -> assertEquals(1L, c, n));
    }

    @Test
    void expectedOutputsCarryValidChecksums() {
        for (Golden g : GoldenFrames.all()) {
            byte[] o = g.output();
            if (o == null || g.verdict() == Verdict.DR_FORWARD) {
                continue;
            }
            int l3 = g.verdict() == Verdict.TUNNEL_FORWARD ? 0 : 14;
            if (g.verdict() == Verdict.REPLY && (o[12] & 0xff) == 0x08 && o[13] == 0x06) {
                continue; // ARP has no checksum
            }
            int ihl = (o[l3] & 0x0f) * 4;
            assertEquals(0, FrameBuilder.checksum(o, l3, ihl), g.name() + " IP header checksum");
            if (o[l3 + 9] == 1) {
                int total = ((o[l3 + 2] & 0xff) << 8) | (o[l3 + 3] & 0xff);
                assertEquals(0, FrameBuilder.checksum(o, l3 + ihl, total - ihl), g.name() + " ICMP checksum");
            }
        }
    }

    /** Hex computed by hand (Python) from the field values: ties the fixture builder to the RFCs too. */
    @Test
    void tunnelAndFragNeededMatchHandComputedHex() {
        Map<String, Golden> byName = GoldenFrames.all().stream().collect(Collectors.toMap(Golden::name, Function.identity()));
        byte[] outer = FrameBuilder.slice(byName.get("tunnel-syn").output(), 0, 20);
        assertArrayEquals(FrameBuilder.hex("4510003c 12344000 3f04156d 0a000002 0a00000c"), outer);
        byte[] icmp = byName.get("tunnel-frag-needed").output();
        assertArrayEquals(FrameBuilder.hex("""
                020000000aa 020000000001 0800                # router <- LB
                45c00038 00000000 4001adf9 0a000002 c000020a # LB -> client, ICMP
                0304377b 000005c8                            # type 3 code 4, next-hop MTU 1480
                451005dc123440003f06576ac000020a0a000064      # quoted IP header
                9c401f90000003e8                              # first 8 bytes of TCP
                """.replace("020000000aa ", "0200000000aa")), icmp);
    }

    @Test
    void arpAnsweredOnlyWhileAnswering() {
        byte[] who = GoldenFrames.all().stream().filter(g -> g.name().equals("arp-who-has-vip")).findFirst()
                .orElseThrow().input();
        plane.setAnswering(false);
        assertEquals(Verdict.PASS, engine.process(Frame.allocate(arena, 128).load(who)));
        plane.setAnswering(true);
        assertEquals(Verdict.REPLY, engine.process(Frame.allocate(arena, 128).load(who)));
        assertEquals(1, plane.counters().arpReplies.sum());
    }

    @Test
    void countsPacketsAndBytesPerVipAndServer() {
        run(tcpFrame(CLIENT_PORT, DR_PORT, SYN, 0));
        run(tcpFrame(CLIENT_PORT, DR_PORT, PSH_ACK, 100));
        VirtualService svc = plane.services().lookup(VIP, DR_PORT, 6);
        assertEquals(2, svc.counters().packets.sum());
        assertEquals(40 + 140, svc.counters().bytes.sum());
        RealServer rs1 = svc.servers().getFirst();
        assertEquals(2, rs1.runtime().counters().packets.sum());
        assertEquals(180, rs1.runtime().counters().bytesIn.sum());
        assertEquals(1, svc.counters().connectionsTotal.sum());
        assertEquals(1, rs1.runtime().counters().connectionsTotal.sum());
        assertEquals(1, svc.counters().active());
        assertEquals(1, rs1.runtime().load().active());
    }

    @Test
    void drWithoutResolvedMacIsDroppedAndCounted() {
        RealServer rs1 = plane.services().lookup(VIP, DR_PORT, 6).servers().getFirst();
        rs1.setMac(io.l4lb.dataplane.packet.wire.Bytes.NO_MAC);
        Frame f = run(tcpFrame(CLIENT_PORT, DR_PORT, SYN, 0));
        assertEquals(DropReason.NO_NEIGHBOR, f.dropReason());
        assertEquals(1, plane.counters().drops(DropReason.NO_NEIGHBOR));
        rs1.setMac(RS1_MAC);
        Frame again = run(tcpFrame(CLIENT_PORT, DR_PORT, PSH_ACK, 10));
        assertNull(again.dropReason());
    }

    @Test
    void smallerTunnelMtuLowersTheAdvertisedNextHopMtu() {
        PacketPlane p = GoldenFrames.plane(io.l4lb.dataplane.packet.EngineConfig.of(LB_MAC, LB_IP).withTunnelMtu(1400), true);
        PacketEngine e = p.newWorker(new FakeClock());
        byte[] ip = tcpPacket(CLIENT, CLIENT_PORT, VIP, TUNNEL_PORT, PSH_ACK, 1381 - 40, DF);
        Frame f = Frame.allocate(arena, 2048).load(FrameBuilder.ethernet(LB_MAC, ROUTER_MAC, -1, 0x0800, ip));
        assertEquals(Verdict.REPLY, e.process(f));
        byte[] out = f.toBytes();
        assertEquals(1380, ((out[14 + 26] & 0xff) << 8) | (out[14 + 27] & 0xff));
        assertEquals(1, p.counters().fragNeededSent.sum());
    }
}
