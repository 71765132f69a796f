package io.l4lb.core.sched;

import java.util.List;

/**
 * {@code sh} / HAProxy {@code source}: static hashing of the client address over weighted slots
 * (LVS {@code ip_vs_sh.c}, which fills a 256-bucket table in weighted turns). Here the table has
 * a power-of-two size of at least 256 and 16 slots per unit of reduced weight sum (capped at
 * 2^20), each server owning a share of slots proportional to its weight (largest remainder),
 * interleaved by {@link WeightedCycle}. Lookup = {@code table[fmix32(flowHash) & (size - 1)]}: the
 * same client always reaches the same server while membership is unchanged. Unlike {@link Maglev},
 * a membership change reshuffles most slots. Weight 0 servers own no slot.
 */
public final class SourceHash implements Scheduler {
    static final int MIN_SLOTS = 256;
    static final int MAX_SLOTS = 1 << 20;

    private final int[] table;
    private final int mask;

    public SourceHash(List<SchedServer> servers) {
        this.table = build(WeightedCycle.reduced(WeightedCycle.weightsOf(servers)));
        this.mask = table.length - 1;
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new SourceHash(servers);
    }

    @Override
    public int pick(int flowHash) {
        return table.length == 0 ? -1 : table[NameHash.fmix32(flowHash) & mask];
    }

    /** Number of slots (a power of two, or 0 when no server has a weight). */
    public int slots() {
        return table.length;
    }

    private static int[] build(int[] w) {
        long total = 0;
        for (int x : w) {
            total += x;
        }
        if (total == 0) {
            return new int[0];
        }
        if (w.length > MAX_SLOTS / 16) {
            throw new IllegalArgumentException("too many servers for source hashing: " + w.length);
        }
        long want = Math.min(MAX_SLOTS, Math.max(MIN_SLOTS, total * 16));
        int slots = Integer.highestOneBit((int) want);
        if (slots < want) {
            slots <<= 1;
        }
        slots = Math.min(slots, MAX_SLOTS);
        // Largest-remainder apportionment of the slots by weight; a weighted server keeps >= 1.
        int[] count = new int[w.length];
        long[] rem = new long[w.length];
        int given = 0;
        for (int i = 0; i < w.length; i++) {
            long share = (long) slots * w[i];
            count[i] = (int) (share / total);
            rem[i] = share % total;
            if (w[i] > 0 && count[i] == 0) {
                count[i] = 1;
                rem[i] = -1;
            }
            given += count[i];
        }
        if (given < slots) {
            Integer[] order = new Integer[w.length];
            for (int i = 0; i < w.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Long.compare(rem[b], rem[a]));
            for (int j = 0; given < slots; j = (j + 1) % w.length) {
                if (w[order[j]] > 0) {
                    count[order[j]]++;
                    given++;
                }
            }
        }
        for (int i = 0; given > slots; i = (i + 1) % w.length) {
            // only when more weighted servers than slots: take back from the largest holders
            if (count[i] > 1) {
                count[i]--;
                given--;
            }
        }
        int[] cycle = WeightedCycle.build(count); // gcd-reduced: its length divides slots
        int[] table = new int[slots];
        for (int i = 0; i < slots; i++) {
            table[i] = cycle[i % cycle.length];
        }
        return table;
    }
}
