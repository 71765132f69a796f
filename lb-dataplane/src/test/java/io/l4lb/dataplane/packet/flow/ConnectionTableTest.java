package io.l4lb.dataplane.packet.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.dataplane.packet.FlowHash;
import io.l4lb.dataplane.packet.RealServer;
import io.l4lb.dataplane.packet.VirtualService;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The table against a HashMap model: inserts, expiry sweeps with backward-shift deletion, lookups. */
class ConnectionTableTest {
    private final VirtualService svc = GoldenFrames.services().lookup(GoldenFrames.VIP, GoldenFrames.DR_PORT, 6);
    private final RealServer rs = svc.servers().getFirst();

    @Test
    void matchesAModelThroughRandomInsertsAndExpiries() {
        ConnectionTable t = new ConnectionTable(512, FlowTimeouts.LVS_DEFAULTS, null);
        Random r = new Random(42);
        Map<Integer, Long> model = new HashMap<>(); // sport -> expiry
        long now = 0;
        for (int round = 0; round < 20_000; round++) {
            now += 1_000_000_000L;
            int sport = r.nextInt(2000);
            int h = FlowHash.fiveTuple(1, 2, sport, 80, 6) & 0x3f; // few home slots: long probe chains
            Long exp = model.get(sport);
            boolean live = exp != null && exp - now > 0;
            int slot = t.find(h, 1, 2, sport, 80, 6, now);
            assertEquals(live, slot >= 0, "round " + round + " sport " + sport);
            if (!live && model.size() < 400) {
                TcpState st = r.nextBoolean() ? TcpState.SYN_RECV : TcpState.CLOSE;
                assertTrue(t.insert(h, 1, 2, sport, 80, 6, svc, rs, st, now) >= 0);
                model.put(sport, now + (st == TcpState.SYN_RECV ? 60 : 10) * 1_000_000_000L);
            } else if (!live) {
                model.remove(sport);
            }
            if (round % 7 == 0) {
                t.expire(now, 64);
            }
            final long n = now;
            model.values().removeIf(e -> e - n <= 0);
            assertTrue(t.size() >= model.size());
        }
        t.expire(now, 4096);
        assertEquals(model.size(), t.size());
        for (Map.Entry<Integer, Long> m : model.entrySet()) {
            int h = FlowHash.fiveTuple(1, 2, m.getKey(), 80, 6) & 0x3f;
            assertTrue(t.find(h, 1, 2, m.getKey(), 80, 6, now) >= 0, "lost flow " + m.getKey());
        }
        int inactive = rs.runtime().load().inactive();
        assertEquals(t.size(), inactive);
    }
}
