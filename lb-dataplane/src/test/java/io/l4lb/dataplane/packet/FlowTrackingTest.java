package io.l4lb.dataplane.packet;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.sched.ServerLoad;
import io.l4lb.core.time.FakeClock;
import io.l4lb.dataplane.packet.flow.ConnectionTable;
import io.l4lb.dataplane.packet.flow.FlowTimeouts;
import io.l4lb.dataplane.packet.flow.TcpState;
import java.lang.foreign.Arena;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Connection table behaviour seen through real packets: states, active/inactive counts, timeouts, eviction. */
class FlowTrackingTest {
    private static final int FIN_ACK = 0x11;
    private static final int RST = 0x04;
    private final Arena arena = Arena.ofAuto();
    private final FakeClock clock = new FakeClock();

    private Verdict send(PacketEngine e, int sport, int flags) {
        return e.process(Frame.allocate(arena, 2048).load(tcpFrame(sport, DR_PORT, flags, 0)));
    }

    private static TcpState state(PacketEngine e, int sport) {
        ConnectionTable t = e.table();
        int h = FlowHash.fiveTuple(CLIENT, VIP, sport, DR_PORT, 6);
        int slot = t.find(h, CLIENT, VIP, sport, DR_PORT, 6, Long.MIN_VALUE / 2);
        return slot < 0 ? null : t.state(slot);
    }

    @Test
    void statesFollowFlagsAndMoveActiveInactiveLikeLvs() {
        Topology t = Topology.dr(1, "wlc");
        PacketEngine e = t.plane.newWorker(clock);
        ServerLoad load = t.runtimes.getFirst().load();
        send(e, 1000, SYN);
        assertEquals(TcpState.SYN_RECV, state(e, 1000));
        assertEquals(0, load.active());
        assertEquals(1, load.inactive());
        send(e, 1000, ACK);
        assertEquals(TcpState.ESTABLISHED, state(e, 1000));
        assertEquals(1, load.active());
        assertEquals(0, load.inactive());
        assertEquals(1, t.service.counters().active());
        send(e, 1000, FIN_ACK);
        assertEquals(TcpState.FIN_WAIT, state(e, 1000));
        assertEquals(0, load.active());
        assertEquals(1, load.inactive());
        send(e, 1001, SYN);
        send(e, 1001, ACK);
        send(e, 1002, SYN);
        // LVS wlc overhead = active * 256 + inactive: 1 established, 2 not
        assertEquals(1 * 256 + 2, load.active() * 256 + load.inactive());
        assertEquals(3, t.service.counters().connectionsTotal.sum());
    }

    @Test
    void lvsDefaultTimeoutsPerState() {
        Topology t = Topology.dr(1, "rr");
        PacketEngine e = t.plane.newWorker(clock);
        send(e, 1, SYN); // syn_recv: 60 s
        send(e, 2, SYN);
        send(e, 2, ACK); // established: 900 s
        send(e, 3, SYN);
        send(e, 3, ACK);
        send(e, 3, FIN_ACK); // fin_wait: 120 s
        send(e, 4, SYN);
        send(e, 4, RST); // close: 10 s
        assertEquals(4, e.table().size());
        clock.advance(Duration.ofSeconds(9));
        e.expire(1 << 22);
        assertEquals(4, e.table().size());
        clock.advance(Duration.ofSeconds(2));
        e.expire(1 << 22);
        assertEquals(3, e.table().size());
        clock.advance(Duration.ofSeconds(50)); // 61 s
        e.expire(1 << 22);
        assertEquals(2, e.table().size());
        clock.advance(Duration.ofSeconds(60)); // 121 s
        e.expire(1 << 22);
        assertEquals(1, e.table().size());
        assertEquals(TcpState.ESTABLISHED, state(e, 2));
        clock.advance(Duration.ofSeconds(900 - 121 - 1));
        e.expire(1 << 22);
        assertEquals(1, e.table().size());
        clock.advance(Duration.ofSeconds(2));
        e.expire(1 << 22);
        assertEquals(0, e.table().size());
        assertEquals(0, t.runtimes.getFirst().load().active());
        assertEquals(0, t.runtimes.getFirst().load().inactive());
    }

    @Test
    void everyPacketRestartsTheIdleTimer() {
        Topology t = Topology.dr(1, "rr");
        PacketEngine e = t.plane.newWorker(clock);
        send(e, 7, SYN);
        send(e, 7, ACK);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(800));
            send(e, 7, PSH_ACK);
            e.expire(1 << 22);
        }
        assertEquals(TcpState.ESTABLISHED, state(e, 7));
        assertEquals(1, plane(t).counters().flowsScheduled.sum());
        assertEquals(0, plane(t).counters().flowsRecovered.sum());
    }

    @Test
    void timeoutsAreConfigurable() {
        FlowTimeouts quick = FlowTimeouts.LVS_DEFAULTS.withTcp(Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(20)).withSynRecv(Duration.ofSeconds(3));
        Topology t = new Topology(1, "rr", null, io.l4lb.core.config.ForwardStyle.DR,
                Topology.defaults().withTimeouts(quick));
        PacketEngine e = t.plane.newWorker(clock);
        send(e, 1, SYN);
        send(e, 2, SYN);
        send(e, 2, ACK);
        clock.advance(Duration.ofSeconds(4));
        e.expire(1 << 22);
        assertEquals(1, e.table().size());
        clock.advance(Duration.ofSeconds(27));
        e.expire(1 << 22);
        assertEquals(0, e.table().size());
    }

    @Test
    void anExpiredFlowMetAgainIsRecoveredNotReused() {
        Topology t = Topology.dr(2, "rr");
        PacketEngine e = t.plane.newWorker(clock);
        send(e, 9, SYN);
        clock.advance(Duration.ofSeconds(61)); // no sweep: lazy expiry on lookup
        send(e, 9, ACK);
        assertEquals(1, t.plane.counters().flowsRecovered.sum());
        assertEquals(TcpState.ESTABLISHED, state(e, 9));
        int inactive = t.runtimes.stream().mapToInt(r -> r.load().inactive()).sum();
        int active = t.runtimes.stream().mapToInt(r -> r.load().active()).sum();
        assertEquals(0, inactive);
        assertEquals(1, active);
    }

    @Test
    void evictionSparesEstablishedFlows() {
        Topology t = new Topology(1, "rr", null, io.l4lb.core.config.ForwardStyle.DR,
                Topology.defaults().withMaxFlowsPerWorker(4));
        PacketEngine e = t.plane.newWorker(clock);
        for (int p = 1; p <= 3; p++) {
            send(e, p, SYN);
            send(e, p, ACK);
        }
        send(e, 4, SYN);
        assertEquals(4, e.table().size());
        clock.advanceMillis(10);
        assertEquals(Verdict.DR_FORWARD, send(e, 5, SYN)); // evicts the half-open flow 4
        assertEquals(4, e.table().size());
        assertEquals(null, state(e, 4));
        assertEquals(TcpState.SYN_RECV, state(e, 5));
        for (int p = 1; p <= 3; p++) {
            assertEquals(TcpState.ESTABLISHED, state(e, p));
        }
        send(e, 5, ACK);
        // all four established: a new flow is forwarded but not tracked, nothing evicted
        assertEquals(Verdict.DR_FORWARD, send(e, 6, SYN));
        assertEquals(1, t.plane.counters().flowsUntracked.sum());
        assertEquals(4, e.table().size());
        assertEquals(4, t.runtimes.getFirst().load().active());
        assertEquals(0, t.runtimes.getFirst().load().inactive());
        assertEquals(6, t.service.counters().connectionsTotal.sum());
    }

    @Test
    void healthDownServerKeepsItsFlowsButGetsNoNewOnes() {
        Topology t = Topology.dr(2, "rr");
        PacketEngine e = t.plane.newWorker(clock);
        Frame first = Frame.allocate(arena, 2048).load(tcpFrame(100, DR_PORT, SYN, 0));
        e.process(first);
        int s = Topology.serverOf(first);
        t.backend.setHealth(t.runtimes.get(s), false, "test: check failed");
        for (int p = 101; p < 121; p++) {
            Frame f = Frame.allocate(arena, 2048).load(tcpFrame(p, DR_PORT, SYN, 0));
            e.process(f);
            assertEquals(1 - s, Topology.serverOf(f));
        }
        Frame mid = Frame.allocate(arena, 2048).load(tcpFrame(100, DR_PORT, PSH_ACK, 10));
        assertEquals(Verdict.DR_FORWARD, e.process(mid));
        assertEquals(s, Topology.serverOf(mid));
    }

    @Test
    void noUsableServerDropsAndCounts() {
        Topology t = Topology.dr(1, "rr");
        PacketEngine e = t.plane.newWorker(clock);
        t.backend.setHealth(t.runtimes.getFirst(), false, "down");
        assertEquals(Verdict.DROP, send(e, 1, SYN));
        assertEquals(Verdict.DROP, send(e, 2, ACK));
        assertEquals(2, t.plane.counters().drops(DropReason.NO_SERVER));
        assertTrue(e.table().size() == 0);
    }

    private static PacketPlane plane(Topology t) {
        return t.plane;
    }
}
