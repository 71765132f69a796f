package io.l4lb.core.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedCycleTest {

    @Test
    void earliestDeadlineFiveOneOne() {
        // deadlines (2k+1)/(2w): a .1 .3 .5 .7 .9, b .5, c .5; ties at .5 by index
        assertArrayEquals(new int[] {0, 0, 0, 1, 2, 0, 0}, WeightedCycle.earliestDeadline(new int[] {5, 1, 1}, 7));
    }

    @Test
    void bothConstructionsAreExactAndSpread() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rnd.nextInt(40);
            int[] w = new int[n];
            int total = 0;
            for (int i = 0; i < n; i++) {
                w[i] = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(256);
                total += w[i];
            }
            if (total == 0) {
                continue;
            }
            assertExactAndSpread(w, WeightedCycle.smooth(w, total));
            assertExactAndSpread(w, WeightedCycle.earliestDeadline(w, total));
        }
    }

    @Test
    void tenThousandServersUseTheHeapAndStayExact() {
        int n = 10_000;
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1 + (i * 37) % 256;
        }
        long start = System.nanoTime();
        int[] cycle = WeightedCycle.build(w);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue((long) n * cycle.length > WeightedCycle.SMOOTH_BUDGET, "heap path taken");
        assertExactAndSpread(w, cycle);
        assertTrue(ms < 5_000, "build took " + ms + " ms");
    }

    @Test
    void hugeTotalsAreScaledDownKeepingEveryServer() {
        int[] w = {Integer.MAX_VALUE / 2, Integer.MAX_VALUE / 3, 1};
        int[] r = WeightedCycle.reduced(w);
        assertTrue((long) r[0] + r[1] + r[2] <= WeightedCycle.MAX_LENGTH);
        assertEquals(1, r[2]);
        assertEquals(1.5, (double) r[0] / r[1], 0.001);
    }

    /** Exact counts, and server i's successive picks are never more than 2 * total / w apart. */
    private static void assertExactAndSpread(int[] w, int[] cycle) {
        int total = 0;
        for (int x : w) {
            total += x;
        }
        assertEquals(total, cycle.length);
        int[] count = new int[w.length];
        int[] last = new int[w.length];
        java.util.Arrays.fill(last, -1);
        for (int k = 0; k < 2 * cycle.length; k++) {
            int i = cycle[k % cycle.length];
            if (k < cycle.length) {
                count[i]++;
            }
            if (last[i] >= 0) {
                int gap = k - last[i];
                assertTrue(gap <= 2.0 * total / w[i] + 1, "server " + i + " w=" + w[i] + " gap " + gap);
            }
            last[i] = k;
        }
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], count[i], "server " + i);
        }
    }
}
