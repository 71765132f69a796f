package io.l4lb.core.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * Base of the least-load schedulers (lc, wlc, sed, nq): a tournament tree (winner tree) over the
 * servers, so a pick reads the root in O(1) and a load change repairs one leaf-to-root path in
 * O(log n) instead of the linear scan of LVS's {@code ip_vs_wlc_schedule}.
 *
 * <p>Each server has a cost {@code num / den} (subclasses say what: LVS overhead
 * {@code active*256 + inactive} over the weight for wlc...). Costs are compared by cross
 * multiplication in longs, never by division ({@code num} is capped below 2^40 and {@code den}
 * below 2^23, so the products cannot overflow and both pack into one long per server). Equal costs are broken by the least recently picked
 * server (a pick sequence stamped on the winner), so ties rotate instead of always landing on the
 * first server; never-picked servers tie-break by index. Weight 0 servers are not in the tree.
 *
 * <p>Concurrency: no locks. Leaf costs, pick stamps and node winners are single array slots
 * written and read with opaque access (never torn, eventually visible). Every pick and every
 * {@link #loadChanged} recomputes the nodes on its server's path from the current children.
 * Two racing repairs may leave a node holding a winner that is not (or no longer) the best of its
 * children; the next repair through that node fixes it, and every node lies on the path of a
 * server whose next pick or connection open/close repairs it. So the tree is exact when used from
 * one thread and eventually exact under concurrency; in between, a pick may go to a server that is
 * slightly more loaded than the minimum, which is the same guarantee LVS gives when it reads its
 * counters without locks.
 */
abstract sealed class LoadTree implements Scheduler
        permits LeastConnection, WeightedLeastConnection, ShortestExpectedDelay, NeverQueue {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle STAMP;
    private static final int NUM_BITS = 40;
    private static final long MAX_NUM = (1L << NUM_BITS) - 1;
    private static final int MAX_DEN = (1 << 23) - 1;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(LoadTree.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ServerLoad[] loads;
    /** Divisor per server; 0 = excluded (weight 0). Immutable after construction. */
    private final int[] den;
    /**
     * Two longs per server, side by side so a comparison touches one cache line per server:
     * [2i] = den << 40 | num (the cost, refreshed by loadChanged), [2i + 1] = its last pick stamp
     * (larger = picked more recently).
     */
    private final long[] leaf;
    /** 1-based heap layout: node[1] is the root, leaves at [size, size + n). Holds a server or -1. */
    private final int[] node;
    private final int size;
    /**
     * Pick stamp source. Incremented without an atomic read-modify-write: two racing picks may
     * draw the same stamp, which only makes their servers tie-break by index once.
     */
    @SuppressWarnings("unused") // accessed through STAMP
    private long stamp;

    LoadTree(List<SchedServer> servers) {
        int n = servers.size();
        int s = 1;
        while (s < n) {
            s <<= 1;
        }
        this.size = s;
        this.loads = new ServerLoad[n];
        this.den = new int[n];
        this.leaf = new long[2 * n];
        this.node = new int[2 * s];
        java.util.Arrays.fill(node, -1);
        for (int i = 0; i < n; i++) {
            SchedServer srv = servers.get(i);
            loads[i] = srv.load();
            den[i] = srv.weight() == 0 ? 0 : Math.min(divisor(srv.weight()), MAX_DEN);
            leaf[2 * i] = key(i, cost(srv.load()));
            node[s + i] = den[i] == 0 ? -1 : i;
        }
        for (int p = s - 1; p >= 1; p--) {
            node[p] = better(node[2 * p], node[2 * p + 1]);
        }
        VarHandle.releaseFence(); // publish the built arrays before the snapshot is swapped in
    }

    private long key(int i, long num) {
        return (long) den[i] << NUM_BITS | Math.min(Math.max(num, 0), MAX_NUM);
    }

    /** Cost numerator of a server (LVS overhead, or active+1...): smaller is preferred. */
    abstract long cost(ServerLoad load);

    /** Cost divisor of a server of weight {@code weight} > 0 (1 for unweighted lc). */
    abstract int divisor(int weight);

    @Override
    public final int pick(int flowHash) {
        int w = (int) INTS.getOpaque(node, 1);
        if (w < 0) {
            return -1;
        }
        long t = (long) STAMP.getOpaque(this) + 1;
        STAMP.setOpaque(this, t);
        LONGS.setOpaque(leaf, 2 * w + 1, t);
        repair(w);
        return w;
    }

    @Override
    public final void loadChanged(int index) {
        if (index < 0 || index >= den.length || den[index] == 0) {
            return;
        }
        LONGS.setOpaque(leaf, 2 * index, key(index, cost(loads[index])));
        repair(index);
    }

    /** Recomputes the winners on the path of server {@code i}, stopping where nothing changes. */
    private void repair(int i) {
        for (int p = (size + i) >> 1; p >= 1; p >>= 1) {
            int left = (int) INTS.getOpaque(node, 2 * p);
            int right = (int) INTS.getOpaque(node, 2 * p + 1);
            int w = better(left, right);
            int old = (int) INTS.getOpaque(node, p);
            if (w != old) {
                INTS.setOpaque(node, p, w);
            } else if (w != i) {
                // i lost here before and still does: nothing above depends on i's cost.
                return;
            }
        }
    }

    /** The preferred of two servers (-1 = empty): lower num/den, then least recently picked. */
    private int better(int a, int b) {
        if (a < 0) {
            return b;
        }
        if (b < 0) {
            return a;
        }
        long ka = (long) LONGS.getOpaque(leaf, 2 * a);
        long kb = (long) LONGS.getOpaque(leaf, 2 * b);
        long ca = (ka & MAX_NUM) * (kb >>> NUM_BITS);
        long cb = (kb & MAX_NUM) * (ka >>> NUM_BITS);
        if (ca != cb) {
            return ca < cb ? a : b;
        }
        long sa = (long) LONGS.getOpaque(leaf, 2 * a + 1);
        long sb = (long) LONGS.getOpaque(leaf, 2 * b + 1);
        if (sa != sb) {
            return sa < sb ? a : b;
        }
        return a < b ? a : b;
    }
}
