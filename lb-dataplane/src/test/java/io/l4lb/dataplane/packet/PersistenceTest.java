package io.l4lb.dataplane.packet;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.time.FakeClock;
import io.l4lb.dataplane.packet.wire.Bytes;
import java.lang.foreign.Arena;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code persist 300s} over rr with three servers: templates like LVS (ipvsadm -p 300). */
class PersistenceTest {
    private static final int CLIENT_B = Bytes.parseIpv4("192.0.2.77");
    private static final int RST = 0x04;
    private final Arena arena = Arena.ofAuto();
    private final FakeClock clock = new FakeClock();
    private final Topology t = new Topology(3, "rr", Duration.ofSeconds(300), ForwardStyle.DR, Topology.defaults());
    private final PacketEngine worker1 = t.plane.newWorker(clock);
    private final PacketEngine worker2 = t.plane.newWorker(clock);

    private int send(PacketEngine e, int client, int sport, int flags) {
        Frame f = Frame.allocate(arena, 2048).load(tcpFrame(client, sport, VIP, DR_PORT, flags, 0));
        assertEquals(Verdict.DR_FORWARD, e.process(f));
        return Topology.serverOf(f);
    }

    @Test
    void sameClientSameServerAcrossPortsAndWorkers() {
        int a = send(worker1, CLIENT, 1000, SYN);
        for (int p = 1001; p < 1010; p++) {
            assertEquals(a, send(p % 2 == 0 ? worker1 : worker2, CLIENT, p, SYN));
        }
        int b = send(worker2, CLIENT_B, 1000, SYN);
        assertNotEquals(a, b, "rr moves on for another client");
        assertEquals(b, send(worker1, CLIENT_B, 2000, SYN));
    }

    @Test
    void templateOutlivesItsLastFlowByTheTimeoutThenExpires() {
        int a = send(worker1, CLIENT, 1000, SYN);
        send(worker1, CLIENT, 1000, RST); // CLOSE: 10 s
        clock.advance(Duration.ofSeconds(11));
        worker1.expire(1 << 22);
        assertEquals(0, worker1.table().size());
        clock.advance(Duration.ofSeconds(280)); // 291 s after the flow ended
        assertEquals(a, send(worker1, CLIENT, 1001, SYN));
        send(worker1, CLIENT, 1001, RST);
        clock.advance(Duration.ofSeconds(11));
        worker1.expire(1 << 22);
        clock.advance(Duration.ofSeconds(300));
        assertEquals(0, t.plane.templates().size(clock.nanoTime()));
        int b = send(worker1, CLIENT_B, 5, SYN); // rr: a+1
        int again = send(worker1, CLIENT, 1002, SYN); // template gone: rr a+2
        assertNotEquals(a, again);
        assertNotEquals(b, again);
    }

    @Test
    void templateLivesWhileItControlsAFlow() {
        int a = send(worker1, CLIENT, 1000, SYN);
        send(worker1, CLIENT, 1000, ACK);
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(200)); // 800 s > 300 s, flow kept alive
            send(worker1, CLIENT, 1000, PSH_ACK);
        }
        send(worker2, CLIENT_B, 1, SYN);
        assertEquals(a, send(worker2, CLIENT, 2000, SYN));
        assertEquals(2, t.plane.templates().size(clock.nanoTime()), "two clients, two templates");
    }

    @Test
    void aDownServerLosesItsTemplates() {
        int a = send(worker1, CLIENT, 1000, SYN);
        t.backend.setHealth(t.runtimes.get(a), false, "test");
        int moved = send(worker1, CLIENT, 1001, SYN);
        assertNotEquals(a, moved);
        assertEquals(moved, send(worker2, CLIENT, 1002, SYN));
        assertEquals(a, send(worker1, CLIENT, 1000, PSH_ACK), "the established flow stays");
    }
}
