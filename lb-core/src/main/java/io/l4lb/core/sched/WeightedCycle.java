package io.l4lb.core.sched;

import java.util.Arrays;

/**
 * Builds one cycle of a smooth, exact weighted round-robin: a sequence of server indices in which
 * server {@code i} appears exactly {@code weights[i] / g} times ({@code g} = gcd of the non-zero
 * weights), spread out rather than in bursts. Any {@code length} consecutive picks of the repeated
 * cycle therefore give every server exactly its share. Control plane only.
 *
 * <p>Two constructions, chosen by cost:
 * <ul>
 *   <li>nginx's smooth weighted round-robin ({@code ngx_http_upstream_get_peer}, also HAProxy's
 *       {@code lb_map.c} map): at each step every current weight grows by its weight, the largest
 *       wins (first on ties) and loses the total. O(n) per step, so used while n * total is small.
 *   <li>Earliest virtual deadline first: the k-th pick of server i is due at (2k+1)/(2 w_i) of the
 *       cycle (midpoint of its k-th slot), ties by index; a binary heap gives O(log n) per step.
 *       Same exactness, nearly the same smoothness; used for large farms (10,000 servers).
 * </ul>
 * A total above {@link #MAX_LENGTH} is scaled down (each non-zero weight stays >= 1); the cycle is
 * then exact for the scaled weights only.
 */
public final class WeightedCycle {
    /** Longest cycle built (4 Mi entries = 16 MiB); beyond it weights are scaled down. */
    public static final int MAX_LENGTH = 1 << 22;
    /** Work budget (n * length) under which the nginx construction is used. */
    static final long SMOOTH_BUDGET = 1L << 24;

    private WeightedCycle() {
    }

    /** The cycle for these weights (0 = never in it); empty when every weight is 0. */
    public static int[] build(int[] weights) {
        int[] w = reduced(weights);
        long total = sum(w);
        if (total == 0) {
            return new int[0];
        }
        if ((long) w.length * total <= SMOOTH_BUDGET) {
            return smooth(w, (int) total);
        }
        return earliestDeadline(w, (int) total);
    }

    /** Weights divided by their gcd, then scaled so that their sum is at most MAX_LENGTH. */
    static int[] reduced(int[] weights) {
        int g = 0;
        for (int x : weights) {
            g = gcd(g, x);
        }
        int[] w = weights.clone();
        if (g > 1) {
            for (int i = 0; i < w.length; i++) {
                w[i] /= g;
            }
        }
        long total = sum(w);
        if (total > MAX_LENGTH) {
            for (int i = 0; i < w.length; i++) {
                if (w[i] > 0) {
                    w[i] = (int) Math.max(1, (long) w[i] * (MAX_LENGTH - w.length) / total);
                }
            }
        }
        return w;
    }

    /** nginx smooth weighted round-robin, one full cycle. */
    static int[] smooth(int[] w, int total) {
        int n = w.length;
        long[] current = new long[n];
        int[] seq = new int[total];
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (w[i] == 0) {
                    continue;
                }
                current[i] += w[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            seq[step] = best;
        }
        return seq;
    }

    /** Earliest virtual deadline first over a binary min-heap of servers. */
    static int[] earliestDeadline(int[] w, int total) {
        int[] heap = new int[w.length];
        int size = 0;
        int[] taken = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            if (w[i] > 0) {
                heap[size++] = i;
            }
        }
        for (int p = size / 2 - 1; p >= 0; p--) {
            siftDown(heap, size, p, w, taken);
        }
        int[] seq = new int[total];
        for (int step = 0; step < total; step++) {
            int s = heap[0];
            seq[step] = s;
            if (++taken[s] == w[s]) {
                heap[0] = heap[--size];
            }
            siftDown(heap, size, 0, w, taken);
        }
        return seq;
    }

    /** Deadline of a's next pick before b's: (2ka+1)/(2wa) < (2kb+1)/(2wb), ties by index. */
    private static boolean earlier(int a, int b, int[] w, int[] taken) {
        long da = (2L * taken[a] + 1) * w[b];
        long db = (2L * taken[b] + 1) * w[a];
        return da < db || (da == db && a < b);
    }

    private static void siftDown(int[] heap, int size, int p, int[] w, int[] taken) {
        while (true) {
            int l = 2 * p + 1;
            if (l >= size) {
                return;
            }
            int c = l + 1 < size && earlier(heap[l + 1], heap[l], w, taken) ? l + 1 : l;
            if (!earlier(heap[c], heap[p], w, taken)) {
                return;
            }
            int t = heap[c];
            heap[c] = heap[p];
            heap[p] = t;
            p = c;
        }
    }

    static int[] weightsOf(java.util.List<SchedServer> servers) {
        int[] w = new int[servers.size()];
        Arrays.setAll(w, i -> servers.get(i).weight());
        return w;
    }

    private static long sum(int[] w) {
        long s = 0;
        for (int x : w) {
            s += x;
        }
        return s;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
