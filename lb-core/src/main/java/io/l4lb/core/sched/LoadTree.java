package io.l4lb.core.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Base of the least-load schedulers (lc, wlc, sed, nq): a tournament tree (winner tree) over the
 * servers, so a pick reads the root in O(1) and a load change repairs one leaf-to-root path in
 * O(log n) instead of the linear scan of LVS's {@code ip_vs_wlc_schedule}.
 *
 * <p>Each server has a cost {@code num / den} (subclasses say what: LVS overhead
 * {@code active*256 + inactive} over the weight for wlc...). Costs are compared by cross
 * multiplication in longs, never by division ({@code num} is capped at 2^40 and {@code den} at
 * 2^23 so the products cannot overflow). Equal costs are broken by the least recently picked
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
    private static final long MAX_NUM = 1L << 40;
    private static final int MAX_DEN = 1 << 23;

    private final ServerLoad[] loads;
    /** Divisor per server; 0 = excluded (weight 0). Immutable after construction. */
    private final int[] den;
    /** Cost numerator per server, refreshed from its ServerLoad by loadChanged. */
    private final long[] num;
    /** Pick stamp per server: larger = picked more recently. */
    private final long[] stamp;
    /** 1-based heap layout: node[1] is the root, leaves at [size, size + n). Holds a server or -1. */
    private final int[] node;
    private final int size;
    private final AtomicLong picks = new AtomicLong();

    LoadTree(List<SchedServer> servers) {
        int n = servers.size();
        int s = 1;
        while (s < n) {
            s <<= 1;
        }
        this.size = s;
        this.loads = new ServerLoad[n];
        this.den = new int[n];
        this.num = new long[n];
        this.stamp = new long[n];
        this.node = new int[2 * s];
        java.util.Arrays.fill(node, -1);
        for (int i = 0; i < n; i++) {
            SchedServer srv = servers.get(i);
            loads[i] = srv.load();
            den[i] = srv.weight() == 0 ? 0 : Math.min(divisor(srv.weight()), MAX_DEN);
            num[i] = Math.min(cost(srv.load()), MAX_NUM);
            node[s + i] = den[i] == 0 ? -1 : i;
        }
        for (int p = s - 1; p >= 1; p--) {
            node[p] = better(node[2 * p], node[2 * p + 1]);
        }
        VarHandle.releaseFence(); // publish the built arrays before the snapshot is swapped in
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
        LONGS.setOpaque(stamp, w, picks.incrementAndGet());
        repair(w);
        return w;
    }

    @Override
    public final void loadChanged(int index) {
        if (index < 0 || index >= den.length || den[index] == 0) {
            return;
        }
        LONGS.setOpaque(num, index, Math.min(cost(loads[index]), MAX_NUM));
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
        long ca = (long) LONGS.getOpaque(num, a) * den[b];
        long cb = (long) LONGS.getOpaque(num, b) * den[a];
        if (ca != cb) {
            return ca < cb ? a : b;
        }
        long sa = (long) LONGS.getOpaque(stamp, a);
        long sb = (long) LONGS.getOpaque(stamp, b);
        if (sa != sb) {
            return sa < sb ? a : b;
        }
        return a < b ? a : b;
    }
}
