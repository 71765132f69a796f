package io.l4lb.dataplane.packet;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.time.FakeClock;
import io.l4lb.dataplane.packet.fixtures.FrameBuilder;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import io.l4lb.dataplane.packet.flow.FlowTimeouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Service table, config validation, headroom and GSO handling. */
class EngineEdgeCasesTest {
    private final Arena arena = Arena.ofAuto();

    @Test
    void serviceTableFindsEveryServiceAndRejectsDuplicates() {
        Topology t = Topology.dr(1, "rr");
        ServiceTable.Builder b = ServiceTable.builder();
        for (int v = 0; v < 50; v++) {
            for (int port = 1; port <= 20; port++) {
                b.add(new VirtualService(0x0a640000 + v, port, 6, ForwardStyle.DR, t.backend, null, List.of()));
            }
        }
        ServiceTable table = b.build();
        for (int v = 0; v < 50; v++) {
            assertTrue(table.isVip(0x0a640000 + v));
            for (int port = 1; port <= 20; port++) {
                VirtualService s = table.lookup(0x0a640000 + v, port, 6);
                assertNotNull(s);
                assertEquals(port, s.port());
            }
            assertNull(table.lookup(0x0a640000 + v, 21, 6));
            assertNull(table.lookup(0x0a640000 + v, 1, 17));
        }
        assertFalse(table.isVip(0x0a640000 + 50));
        assertFalse(ServiceTable.EMPTY.isVip(VIP));
        VirtualService dup = new VirtualService(VIP, 80, 6, ForwardStyle.DR, t.backend, null, List.of());
        ServiceTable.Builder twice = ServiceTable.builder().add(dup).add(dup);
        assertThrows(IllegalArgumentException.class, twice::build);
    }

    @Test
    void proxyServicesAndBadSettingsAreRejected() {
        Topology t = Topology.dr(1, "rr");
        assertThrows(IllegalArgumentException.class,
                () -> new VirtualService(VIP, 80, 6, ForwardStyle.PROXY, t.backend, null, List.of()));
        assertThrows(IllegalArgumentException.class, () -> EngineConfig.of(LB_MAC, LB_IP).withTunnelMtu(500));
        assertThrows(IllegalArgumentException.class, () -> EngineConfig.of(LB_MAC, LB_IP).withMaxFlowsPerWorker(0));
        assertThrows(IllegalArgumentException.class,
                () -> FlowTimeouts.LVS_DEFAULTS.withSynRecv(Duration.ZERO));
    }

    @Test
    void tunnelWithoutHeadroomIsDroppedNotCorrupted() {
        PacketPlane plane = GoldenFrames.plane(true);
        PacketEngine e = plane.newWorker(new FakeClock());
        byte[] in = tcpFrame(CLIENT_PORT, TUNNEL_PORT, SYN, 0);
        MemorySegment seg = arena.allocate(in.length);
        MemorySegment.copy(in, 0, seg, ValueLayout.JAVA_BYTE, 0, in.length);
        Frame f = new Frame(seg);
        f.reset(0, in.length, 0); // the IP header at offset 14: no room for 20 bytes in front
        assertEquals(Verdict.DROP, e.process(f));
        assertEquals(DropReason.NO_HEADROOM, f.dropReason());
        assertEquals(FrameBuilder.slice(in, 0, in.length).length, f.length());
        assertEquals(java.util.HexFormat.of().formatHex(in), java.util.HexFormat.of().formatHex(f.toBytes()));
    }

    @Test
    void gsoSuperFramesAreJudgedBySegmentSize() {
        PacketPlane plane = GoldenFrames.plane(true);
        PacketEngine e = plane.newWorker(new FakeClock());
        byte[] big = FrameBuilder.ethernet(LB_MAC, ROUTER_MAC, -1, 0x0800,
                tcpPacket(CLIENT, CLIENT_PORT, VIP, TUNNEL_PORT, PSH_ACK, 2 * 1400, DF));
        Frame f = Frame.allocate(arena, 4096).load(big);
        f.reset(f.start(), f.length(), 1400); // two 1400-byte segments: 1460 + 20 fits 1500
        assertEquals(Verdict.TUNNEL_SEGMENTS, e.process(f));
        assertEquals(1440 + 20, f.length());
        assertTrue(e.nextSegment(f));
        assertEquals(1440 + 20, f.length());
        assertFalse(e.nextSegment(f));
        Frame g = Frame.allocate(arena, 4096).load(big);
        g.reset(g.start(), g.length(), 1461); // 20 + 20 + 1461 + 20 = 1521 > 1500
        assertEquals(Verdict.REPLY, e.process(g));
        Frame dr = Frame.allocate(arena, 4096).load(FrameBuilder.ethernet(LB_MAC, ROUTER_MAC, -1, 0x0800,
                tcpPacket(CLIENT, CLIENT_PORT, VIP, DR_PORT, SYN, 2 * 1400, DF)));
        dr.reset(dr.start(), dr.length(), 1400);
        assertEquals(Verdict.DR_FORWARD, e.process(dr));
    }

    /** CHECKSUM_PARTIAL (PACKET_VNET_HDR NEEDS_CSUM): the tunnel path stores the full TCP checksum. */
    @Test
    void tunnelCompletesAnOffloadedTcpChecksum() {
        PacketPlane plane = GoldenFrames.plane(true);
        PacketEngine e = plane.newWorker(new FakeClock());
        byte[] ip = tcpPacket(CLIENT, CLIENT_PORT, VIP, TUNNEL_PORT, SYN, 30, DF);
        byte[] partial = ip.clone();
        int tcpLen = ip.length - 20;
        long sum = (CLIENT >>> 16) + (CLIENT & 0xffff) + (VIP >>> 16) + (VIP & 0xffff) + 6 + tcpLen;
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        partial[20 + 16] = (byte) (sum >>> 8); // the pseudo-header sum, not complemented
        partial[20 + 17] = (byte) sum;
        Frame f = Frame.allocate(arena, 2048).load(FrameBuilder.ethernet(LB_MAC, ROUTER_MAC, -1, 0x0800, partial));
        f.checksumOffload(14 + 20, 16);
        assertEquals(Verdict.TUNNEL_FORWARD, e.process(f));
        byte[] out = f.toBytes();
        assertEquals(java.util.HexFormat.of().formatHex(ip),
                java.util.HexFormat.of().formatHex(FrameBuilder.slice(out, 20, out.length)));
    }
}
