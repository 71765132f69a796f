package io.l4lb.dataplane.packet;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.core.stats.PacketPlaneStats;
import io.l4lb.core.stats.StatField;
import io.l4lb.core.stats.StatsCatalogue;
import io.l4lb.core.time.FakeClock;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packet engine's counters as the stats catalogue reads them: one frontend with two services
 * (VIP:80 and VIP:81, as a frontend with two binds) sharing one {@link FrontendCounters}, real
 * packets through the engine, values read back through {@link StatsCatalogue} only.
 */
class FrontendStatsMappingTest {
    private final Arena arena = Arena.ofAuto();
    private final FakeClock clock = new FakeClock();
    private final ServerRuntime rs = new ServerRuntime(ServerConfig.of("rs1", "10.0.0.11", 0),
            new InetSocketAddress("10.0.0.11", 0));
    private final BackendRuntime backend = new BackendRuntime(BackendConfig.of("farm", "wlc", List.of(rs.config())),
            List.of(rs));
    private final FrontendCounters fe = VipCounters.newFrontendCounters();
    private final PacketPlane plane = new PacketPlane(EngineConfig.of(LB_MAC, LB_IP), true);
    private final PacketEngine engine;

    FrontendStatsMappingTest() {
        List<RealServer> real = List.of(RealServer.of(rs, RS1_MAC));
        VipCounters shared = new VipCounters(fe);
        plane.setServices(ServiceTable.builder()
                .add(new VirtualService(VIP, 80, 6, ForwardStyle.DR, backend, null, real, shared))
                .add(new VirtualService(VIP, 81, 6, ForwardStyle.DR, backend, null, real, shared))
                .build());
        engine = plane.newWorker(clock);
    }

    private Verdict send(byte[] frame) {
        return engine.process(Frame.allocate(arena, 2048).load(frame));
    }

    @Test
    void packetsBytesAndConnectionsOfEveryServiceReachTheFrontendAndServerRows() {
        assertEquals(Verdict.DR_FORWARD, send(tcpFrame(1000, 80, SYN, 0)));
        assertEquals(Verdict.DR_FORWARD, send(tcpFrame(1000, 80, ACK, 0)));
        assertEquals(Verdict.DR_FORWARD, send(tcpFrame(1000, 80, ACK, 100)));
        assertEquals(Verdict.DR_FORWARD, send(tcpFrame(2000, 81, SYN, 0)));
        // 4 packets of 40 + 40 + 140 + 40 bytes (IP total length), 2 flows: one established, one SYN_RECV
        assertEquals(4, frontend("packets_total"));
        assertEquals(260, frontend("bytes_in_total"));
        assertEquals(2, frontend("sessions_total"));
        assertEquals(1, frontend("current_sessions"));
        assertEquals(1, frontend("inactive_sessions"));
        assertEquals(4, server("packets_total"));
        assertEquals(260, server("bytes_in_total"));
        assertEquals(2, server("sessions_total"));
        assertEquals(1, server("current_sessions"));
        assertEquals(1, server("inactive_sessions"));
        send(tcpFrame(1000, 80, 0x11, 0)); // FIN: established -> FIN_WAIT, active -> inactive
        assertEquals(0, frontend("current_sessions"));
        assertEquals(2, frontend("inactive_sessions"));
        assertEquals(2, server("inactive_sessions"));
        assertEquals(0, fe.drops.total());
    }

    @Test
    void dropsAreCountedOnTheFrontendOnlyWhenItsServiceWasKnown() {
        backend.setAdminState(rs, AdminState.MAINT);
        assertEquals(Verdict.DROP, send(tcpFrame(1000, 80, SYN, 0)));
        assertEquals(Verdict.DROP, send(tcpFrame(1001, 81, SYN, 0)));
        assertEquals(Verdict.DROP, send(tcpFrame(1002, 99, SYN, 0))); // no service on VIP:99
        byte[] bad = tcpFrame(1003, 80, SYN, 0);
        bad[14 + 11] ^= 1; // IP header checksum
        assertEquals(Verdict.DROP, send(bad));

        assertEquals(2, fe.drops.get("no_server"));
        assertEquals(2, fe.drops.total(), "no_service and bad checksums belong to no frontend");
        assertEquals(DropReason.perServiceLabels(), fe.drops.reasons());
        assertEquals(List.of("no_server", "no_neighbor", "too_big", "gso_not_segmented", "bad_gso", "no_headroom"),
                fe.drops.reasons());
        PacketPlaneStats p = plane.counters().snapshot();
        assertEquals(2, p.dropped().get("no_server"));
        assertEquals(1, p.dropped().get("no_service"));
        assertEquals(1, p.dropped().get("bad_ip_checksum"));
        assertEquals(4, p.droppedTotal());
        assertEquals(DropReason.values().length, p.dropped().size(), "every reason, zeros included");
        assertEquals(0, frontend("packets_total"), "dropped packets are not forwarded packets");
        assertEquals(0, packet("passed_total"), "nothing passed to the kernel");
    }

    @Test
    void engineWideCountersMapToThePacketRow() {
        send(tcpFrame(1000, 80, SYN, 0));
        send(tcpFrame(1001, 80, ACK, 0)); // mid-stream, unknown: the consistent lookup places it
        send(tcpFrame(CLIENT, 7, OTHER_IP, 80, SYN, 0)); // not a VIP: passed
        assertEquals(1, packet("flows_scheduled_total"));
        assertEquals(1, packet("flows_recovered_total"));
        assertEquals(1, packet("passed_total"));
        assertEquals(0, packet("flows_untracked_total"));
    }

    @Test
    void countersOfAFrontendWithoutPacketReasonsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new VipCounters(new FrontendCounters()));
    }

    private long frontend(String name) {
        return read(StatsCatalogue.FRONTEND, name, fe);
    }

    private long server(String name) {
        return read(StatsCatalogue.SERVER, name, rs);
    }

    private long packet(String name) {
        return read(StatsCatalogue.PACKET, name, plane.counters().snapshot());
    }

    private static <T> long read(List<StatField<T>> fields, String name, T target) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().read(target);
    }
}
