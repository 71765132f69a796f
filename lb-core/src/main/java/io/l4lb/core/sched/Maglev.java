package io.l4lb.core.sched;

import java.util.Arrays;
import java.util.List;

/**
 * {@code mh}: Maglev consistent hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software
 * Network Load Balancer", NSDI 2016, section 3.4, Pseudocode 1). The lookup table has a prime
 * size M >= 100 x the server count (at least 65537), so each server owns about M/n entries and
 * removing one server moves little more than its own share. Each server's preference list is the
 * permutation {@code (offset + j * skip) mod M} with {@code offset = h1(name) mod M} and
 * {@code skip = h2(name) mod (M - 1) + 1}, hashed from the server NAME so two load balancers with
 * the same config build identical tables. Servers take turns claiming their next free preferred
 * entry; weights are honoured by letting a server of weight w claim in round r only when
 * {@code floor(r * w / wmax)} grows, so its share is proportional to its weight. Weight 0 servers
 * are left out. The table is built in the constructor (control plane); a lookup is
 * {@code table[floorMod(flowHash, M)]}.
 */
public final class Maglev implements Scheduler {
    /** Smallest table size, a prime (the paper's example size). */
    public static final int MIN_TABLE_SIZE = 65537;
    private static final long SEED_OFFSET = 0x6d61676c65762d31L; // "maglev-1"
    private static final long SEED_SKIP = 0x6d61676c65762d32L;   // "maglev-2"

    private final int[] table;

    public Maglev(List<SchedServer> servers) {
        this.table = build(servers);
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new Maglev(servers);
    }

    @Override
    public int pick(int flowHash) {
        int[] t = table;
        return t.length == 0 ? -1 : t[Math.floorMod(flowHash, t.length)];
    }

    /** The lookup table (a copy): entry -> server index. Empty when no server has a weight. */
    public int[] table() {
        return table.clone();
    }

    /** The table size used for {@code servers} servers: the smallest prime >= max(65537, 100 n). */
    public static int tableSize(int servers) {
        long want = Math.max(MIN_TABLE_SIZE, 100L * servers);
        if (want > Integer.MAX_VALUE - 1000) {
            throw new IllegalArgumentException("too many servers for a Maglev table: " + servers);
        }
        int m = (int) want;
        while (!isPrime(m)) {
            m++;
        }
        return m;
    }

    static boolean isPrime(int m) {
        if (m < 2) {
            return false;
        }
        if (m % 2 == 0) {
            return m == 2;
        }
        for (int d = 3; (long) d * d <= m; d += 2) {
            if (m % d == 0) {
                return false;
            }
        }
        return true;
    }

    private static int[] build(List<SchedServer> servers) {
        int n = servers.size();
        int[] members = java.util.stream.IntStream.range(0, n)
                .filter(i -> servers.get(i).weight() > 0).toArray();
        if (members.length == 0) {
            return new int[0];
        }
        int m = tableSize(n);
        int k = members.length;
        int[] pos = new int[k];
        int[] skip = new int[k];
        long[] weight = new long[k];
        long wmax = 0;
        for (int j = 0; j < k; j++) {
            SchedServer s = servers.get(members[j]);
            pos[j] = (int) Long.remainderUnsigned(NameHash.hash64(s.name(), SEED_OFFSET), m);
            skip[j] = (int) Long.remainderUnsigned(NameHash.hash64(s.name(), SEED_SKIP), m - 1) + 1;
            weight[j] = s.weight();
            wmax = Math.max(wmax, s.weight());
        }
        int[] table = new int[m];
        Arrays.fill(table, -1);
        int filled = 0;
        for (long round = 1; filled < m; round++) {
            for (int j = 0; j < k && filled < m; j++) {
                // Claims due after this round: floor(round * w / wmax); one more than before?
                if (weight[j] != wmax && (round * weight[j]) / wmax == ((round - 1) * weight[j]) / wmax) {
                    continue;
                }
                int p = pos[j];
                while (table[p] >= 0) {
                    p += skip[j];
                    if (p >= m) {
                        p -= m;
                    }
                }
                table[p] = members[j];
                filled++;
                p += skip[j];
                pos[j] = p >= m ? p - m : p;
            }
        }
        return table;
    }
}
