package io.l4lb.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceHashTest {

    @Test
    void sameClientSameServerAndSlotsProportionalToWeight() {
        List<SchedServer> s = Servers.weighted(1, 3, 0, 4);
        SourceHash sh = new SourceHash(s);
        assertEquals(256, sh.slots()); // 16 * 8 = 128 < 256 minimum
        int[] count = new int[4];
        for (int h = 0; h < 256 * 64; h++) {
            int i = sh.pick(h);
            assertEquals(i, sh.pick(h));
            count[i]++;
        }
        assertEquals(0, count[2]);
        // 256 slots: exactly 32, 96 and 128 of them; the hash spreads clients over the slots.
        assertEquals(256 * 64 / 8.0, count[0], 256 * 64 / 8.0 * 0.1);
        assertEquals(3 * 256 * 64 / 8.0, count[1], 3 * 256 * 64 / 8.0 * 0.1);
    }

    @Test
    void tenThousandServersEachOwnSlots() {
        SourceHash sh = new SourceHash(Servers.equal(10_000));
        assertEquals(262_144, sh.slots());
        boolean[] seen = new boolean[10_000];
        for (int h = 0; h < 2_000_000; h++) {
            seen[sh.pick(h)] = true;
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "server " + i + " never reached");
        }
    }
}
