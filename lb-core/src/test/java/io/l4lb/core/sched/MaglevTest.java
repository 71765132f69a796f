package io.l4lb.core.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaglevTest {

    @Test
    void tableSizeIsAPrimeAtLeastHundredTimesTheServers() {
        assertEquals(131_071, Maglev.tableSize(1));
        assertEquals(131_071, Maglev.tableSize(100));
        assertEquals(131_071, Maglev.tableSize(1000));
        assertEquals(131_101, Maglev.tableSize(1311)); // first prime >= 131100
        assertTrue(Maglev.isPrime(131_101) && Maglev.isPrime(131_071));
        assertEquals(1_000_003, Maglev.tableSize(10_000));
        assertTrue(!Maglev.isPrime(100_001) && Maglev.isPrime(65537) && !Maglev.isPrime(65535));
    }

    @Test
    void twoBuildsFromTheSameNamesAgreeWhateverTheOrder() {
        List<SchedServer> one = named(100, "backend-");
        List<SchedServer> two = named(100, "backend-");
        Collections.reverse(two);
        String[] a = names(new Maglev(one).table(), one);
        String[] b = names(new Maglev(two).table(), two);
        assertArrayEquals(a, b);
        assertEquals(131_071, a.length);
    }

    @Test
    void equalWeightsSpreadWithinOneEntry() {
        List<SchedServer> s = named(100, "srv");
        int[] count = counts(new Maglev(s).table(), 100);
        int min = java.util.Arrays.stream(count).min().orElseThrow();
        int max = java.util.Arrays.stream(count).max().orElseThrow();
        // Equal weights claim one entry per round each, so shares differ by at most one entry.
        assertTrue(max - min <= 1, "min " + min + " max " + max);
    }

    @Test
    void weightsAreHonoured() {
        List<SchedServer> s = List.of(new SchedServer("x", 1, new ServerLoad()),
                new SchedServer("y", 3, new ServerLoad()), new SchedServer("z", 0, new ServerLoad()),
                new SchedServer("w", 4, new ServerLoad()));
        int[] count = counts(new Maglev(s).table(), 4);
        int m = 131_071;
        assertEquals(0, count[2], "weight 0 owns no entry");
        assertEquals(m / 8.0, count[0], m / 8.0 * 0.01);
        assertEquals(3 * m / 8.0, count[1], 3 * m / 8.0 * 0.01);
        assertEquals(4 * m / 8.0, count[3], 4 * m / 8.0 * 0.01);
    }

    @Test
    void removingOneOfHundredServersRemapsLittleMoreThanItsShare() {
        List<SchedServer> all = named(100, "10.0.0.");
        String[] before = names(new Maglev(all).table(), all);
        for (int removed = 0; removed < 100; removed += 9) {
            List<SchedServer> fewer = new ArrayList<>(all);
            fewer.remove(removed);
            String[] after = names(new Maglev(fewer).table(), fewer);
            int changed = 0;
            for (int e = 0; e < before.length; e++) {
                if (!before[e].equals(after[e])) {
                    changed++;
                }
            }
            double minimal = before.length / 100.0; // the removed server's own entries
            assertTrue(changed >= minimal - 1, "its own entries must move: " + changed);
            assertTrue(changed <= 1.5 * minimal, "removing " + removed + " remapped " + changed
                    + " entries, minimal " + minimal);
        }
    }

    @Test
    void drainedServerLosesOnlyItsEntries() {
        List<SchedServer> all = named(10, "n");
        List<SchedServer> drained = new ArrayList<>(all);
        drained.set(4, new SchedServer(all.get(4).name(), 0, new ServerLoad()));
        int[] t = new Maglev(drained).table();
        for (int e : t) {
            assertTrue(e != 4, "weight 0 server in the table");
        }
    }

    @Test
    void thousandServerTableIsComplete() {
        List<SchedServer> s = named(1000, "host-");
        long start = System.nanoTime();
        Maglev mh = new Maglev(s);
        long ms = (System.nanoTime() - start) / 1_000_000;
        int[] count = counts(mh.table(), 1000);
        for (int c : count) {
            assertTrue(c == 131 || c == 132, "share " + c); // 131071 entries over 1000 servers
        }
        assertTrue(ms < 2_000, "build took " + ms + " ms");
    }

    @Test
    void lookupIsTableAtFloorModOfTheHash() {
        List<SchedServer> s = named(3, "k");
        Maglev mh = new Maglev(s);
        int[] t = mh.table();
        for (int h : new int[] {0, 1, -1, 65536, 65537, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertEquals(t[Math.floorMod(h, t.length)], mh.pick(h), "hash " + h);
        }
    }

    private static List<SchedServer> named(int n, String prefix) {
        List<SchedServer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new SchedServer(prefix + i, 1, new ServerLoad()));
        }
        return l;
    }

    private static String[] names(int[] table, List<SchedServer> servers) {
        String[] out = new String[table.length];
        for (int e = 0; e < table.length; e++) {
            out[e] = servers.get(table[e]).name();
        }
        return out;
    }

    private static int[] counts(int[] table, int n) {
        int[] c = new int[n];
        for (int i : table) {
            c[i]++;
        }
        return c;
    }
}
