package io.l4lb.dataplane.packet;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.time.FakeClock;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Failover without a sync daemon: two LBs built separately from the same config and health state
 * send every flow to the same real server, so a connection placed by one continues through the
 * other (Maglev, {@code balance mh}; and the consistent fallback for other schedulers).
 */
class TwoLbAgreementTest {
    private static final int FLOWS = 2000;
    private final Arena arena = Arena.ofAuto();

    private int send(PacketEngine e, int client, int sport, int flags) {
        Frame f = Frame.allocate(arena, 2048).load(tcpFrame(client, sport, VIP, DR_PORT, flags, 0));
        assertEquals(Verdict.DR_FORWARD, e.process(f));
        return Topology.serverOf(f);
    }

    @Test
    void mhFlowsPlacedByTheMasterContinueOnTheBackup() {
        Topology lb1 = Topology.dr(5, "mh");
        Topology lb2 = Topology.dr(5, "mh");
        PacketEngine master = lb1.plane.newWorker(new FakeClock());
        PacketEngine backup = lb2.plane.newWorker(new FakeClock());
        Random r = new Random(7);
        int[] perServer = new int[5];
        for (int i = 0; i < FLOWS; i++) {
            int client = 0xC6120000 | r.nextInt(1 << 16);
            int sport = 1024 + r.nextInt(60000);
            int s = send(master, client, sport, SYN);
            send(master, client, sport, ACK);
            perServer[s]++;
            assertEquals(s, send(backup, client, sport, PSH_ACK), "flow " + i);
        }
        assertEquals(FLOWS, lb2.plane.counters().flowsRecovered.sum());
        for (int n : perServer) {
            assertTrue(n > FLOWS / 5 / 2, "every server gets flows: " + java.util.Arrays.toString(perServer));
        }
    }

    @Test
    void fallbackAgreesForOtherSchedulersAndFollowsHealth() {
        Topology lb1 = Topology.dr(4, "wlc");
        Topology lb2 = Topology.dr(4, "wlc");
        lb1.backend.setHealth(lb1.runtimes.get(2), false, "down");
        lb2.backend.setHealth(lb2.runtimes.get(2), false, "down");
        PacketEngine a = lb1.plane.newWorker(new FakeClock());
        PacketEngine b = lb2.plane.newWorker(new FakeClock());
        Random r = new Random(11);
        for (int i = 0; i < FLOWS; i++) {
            int client = r.nextInt();
            int sport = r.nextInt(65536);
            int s = send(a, client, sport, ACK);
            assertNotEquals(2, s);
            assertEquals(s, send(b, client, sport, ACK), "flow " + i);
        }
    }

    @Test
    void persistentMhServicesAgreePerClient() {
        Topology lb1 = new Topology(3, "mh", Duration.ofSeconds(60), ForwardStyle.DR, Topology.defaults());
        Topology lb2 = new Topology(3, "mh", Duration.ofSeconds(60), ForwardStyle.DR, Topology.defaults());
        PacketEngine a = lb1.plane.newWorker(new FakeClock());
        PacketEngine b = lb2.plane.newWorker(new FakeClock());
        Random r = new Random(3);
        for (int i = 0; i < 300; i++) {
            int client = r.nextInt();
            int s = send(a, client, 1000 + i, SYN);
            assertEquals(s, send(a, client, 30000 + i, SYN));
            assertEquals(s, send(b, client, 1000 + i, PSH_ACK), "client " + i);
        }
    }
}
