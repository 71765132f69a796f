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
 * {@code active*256 + inactive} over the weight for wlc...). Every tree node carries its winner's
 * cost and pick stamp, not only its index, so a repair compares a node with its sibling from one
 * cache line (siblings are adjacent) without chasing the winner's index into a server array; the
 * cost of a level is then a load, a compare and a store. Costs are compared by cross
 * multiplication in longs, never by division ({@code num} is capped below 2^40 and {@code den}
 * below 2^23, so the products cannot overflow and both pack into one long). Equal costs are
 * broken by the least recently picked server (a pick sequence stamped on the winner), so ties
 * rotate instead of always landing on the first server; never-picked servers tie-break by index. Weight 0 servers are not in the tree.
 *
 * <p>Concurrency: no locks. A node's two words (cost, stamp + index) are written and read with
 * opaque access: each word is never torn and eventually visible, the pair may be read half old,
 * half new. Every pick and every {@link #loadChanged} writes its leaf, then recomputes the nodes
 * on its path from the two children as they are now; a pick first re-checks the root against its
 * winner's leaf.
 * Two racing repairs may leave a node holding a winner that is not (or no longer) the best of its
 * children; the next repair through that node fixes it, and every node lies on the path of a
 * server whose next pick or connection open/close repairs it. So the tree is exact when used from
 * one thread and eventually exact under concurrency; in between, a pick may go to a server that is
 * slightly more loaded than the minimum, which is the same guarantee LVS gives when it reads its
 * counters without locks.
 */
abstract sealed class LoadTree implements Scheduler
        permits LeastConnection, WeightedLeastConnection, ShortestExpectedDelay, NeverQueue {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle STAMP;
    private static final int NUM_BITS = 40;
    private static final long MAX_NUM = (1L << NUM_BITS) - 1;
    private static final int MAX_DEN = (1 << 23) - 1;
    private static final int INDEX_BITS = 20;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    /** Most servers a tree holds (the index shares a long with a 44-bit pick stamp). */
    static final int MAX_SERVERS = (int) INDEX_MASK;
    /** Cost word of an empty node (no server below): valid cost words are >= 0. */
    private static final long EMPTY = -1;

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
     * Node p (1-based heap layout, root 1, server i at leaf size + i) is two longs:
     * [2p] = cost word {@code den << 40 | num} of its winner (EMPTY when none),
     * [2p + 1] = {@code stamp << 20 | index} of its winner (stamp = its last pick, 44 bits,
     * compared modulo 2^44 so the rare wrap only disturbs one tie).
     */
    private final long[] tree;
    private final int size;
    /**
     * Pick stamp source. Incremented without an atomic read-modify-write: two racing picks may
     * draw the same stamp, which only makes their servers tie-break by index once.
     */
    @SuppressWarnings("unused") // accessed through STAMP
    private long stamp;

    LoadTree(List<SchedServer> servers) {
        int n = servers.size();
        if (n > MAX_SERVERS) {
            throw new IllegalArgumentException("too many servers for a least-load tree: " + n);
        }
        int s = 1;
        while (s < n) {
            s <<= 1;
        }
        this.size = s;
        this.loads = new ServerLoad[n];
        this.den = new int[n];
        this.tree = new long[4 * s];
        for (int p = 0; p < 2 * s; p++) {
            tree[2 * p] = EMPTY;
        }
        for (int i = 0; i < n; i++) {
            SchedServer srv = servers.get(i);
            loads[i] = srv.load();
            den[i] = srv.weight() == 0 ? 0 : Math.min(divisor(srv.weight()), MAX_DEN);
            if (den[i] > 0) {
                tree[2 * (s + i)] = key(i, cost(srv.load()));
                tree[2 * (s + i) + 1] = i;
            }
        }
        for (int p = s - 1; p >= 1; p--) {
            int c = firstIsBetter(tree[4 * p], tree[4 * p + 1], tree[4 * p + 2], tree[4 * p + 3]) ? 2 * p : 2 * p + 1;
            tree[2 * p] = tree[2 * c];
            tree[2 * p + 1] = tree[2 * c + 1];
        }
        VarHandle.releaseFence(); // publish the built tree before the snapshot is swapped in
    }

    private long key(int i, long num) {
        return (long) den[i] << NUM_BITS | Math.min(Math.max(num, 0), MAX_NUM);
    }

    /** Cost numerator of a server (LVS overhead, or active+1...): smaller is preferred. */
    abstract long cost(ServerLoad load);

    /** Cost divisor of a server of weight {@code weight} > 0 (1 for unweighted lc). */
    abstract int divisor(int weight);

    /**
     * Reads the root, stamps the winner and re-seats it at once (so ties rotate even when no
     * connection opens). A root whose winner's leaf differs from it (a racing update not yet
     * propagated) is repaired first, at most twice. Deferring the re-seat to the following
     * {@code loadChanged} would save one climb per connection, but left servers starved under
     * concurrent churn in the contract test, so it is not done.
     */
    @Override
    public final int pick(int flowHash) {
        for (int attempt = 0; ; attempt++) {
            long k = (long) LONGS.getOpaque(tree, 2);
            if (k < 0) {
                return -1;
            }
            long info = (long) LONGS.getOpaque(tree, 3);
            int w = (int) (info & INDEX_MASK);
            int leaf = size + w;
            long leafK = (long) LONGS.getOpaque(tree, 2 * leaf);
            long leafInfo = (long) LONGS.getOpaque(tree, 2 * leaf + 1);
            if ((leafK != k || leafInfo != info) && attempt < 2) {
                // The root lags its winner's leaf: recompute the whole path, without stopping
                // early at an unchanged node (a stale node above it is what we must heal).
                repair(leaf, true);
                continue;
            }
            long t = (long) STAMP.getOpaque(this) + 1;
            STAMP.setOpaque(this, t);
            LONGS.setOpaque(tree, 2 * leaf + 1, t << INDEX_BITS | w);
            // the new stamp changes every node on the path (each now holds either this winner
            // with its new stamp or a sibling's winner), so the early stop could never fire
            repair(leaf, true);
            return w;
        }
    }

    @Override
    public final void loadChanged(int index) {
        if (index < 0 || index >= den.length || den[index] == 0) {
            return;
        }
        int leaf = size + index;
        long k = key(index, cost(loads[index]));
        LONGS.setOpaque(tree, 2 * leaf, k);
        repair(leaf, false);
    }

    /**
     * Recomputes the nodes above leaf {@code c} (whose new values are already written): at each
     * level the better of the two children goes up, both read back from the tree (siblings share
     * a cache line), so a fresher value a racing repair wrote meanwhile is not overwritten with
     * what this one saw earlier. Stops where a node is unchanged, since every node above is a
     * function of its children only -- unless {@code full}, which recomputes up to the root.
     */
    private void repair(int c, boolean full) {
        while (c > 1) {
            int sibling = c ^ 1;
            long km = (long) LONGS.getOpaque(tree, 2 * c);
            long im = (long) LONGS.getOpaque(tree, 2 * c + 1);
            long ks = (long) LONGS.getOpaque(tree, 2 * sibling);
            long is = (long) LONGS.getOpaque(tree, 2 * sibling + 1);
            // Compared as "the sibling against the node we climb from", not "left against right":
            // after a pick stamps its winner (or a connection raises its load) the sibling wins
            // at nearly every level, a branch the CPU predicts; left against right would be a
            // coin toss per level (it cost ~40% of a pick at 10,000 servers).
            boolean s = firstIsBetter(ks, is, km, im);
            long k = s ? ks : km;
            long info = s ? is : im;
            c >>= 1;
            if (!full && (long) LONGS.getOpaque(tree, 2 * c) == k
                    && (long) LONGS.getOpaque(tree, 2 * c + 1) == info) {
                return;
            }
            LONGS.setOpaque(tree, 2 * c, k);
            LONGS.setOpaque(tree, 2 * c + 1, info);
        }
    }

    /** Is winner a preferred to b: lower num/den, then least recently picked, then lower index. */
    private static boolean firstIsBetter(long ka, long ia, long kb, long ib) {
        if (ka < 0 || kb < 0) {
            return kb < 0;
        }
        long ca = (ka & MAX_NUM) * (kb >>> NUM_BITS);
        long cb = (kb & MAX_NUM) * (ka >>> NUM_BITS);
        if (ca != cb) {
            return ca < cb;
        }
        long age = ((ia >>> INDEX_BITS) - (ib >>> INDEX_BITS)) << INDEX_BITS; // stamps mod 2^44
        if (age != 0) {
            return age < 0;
        }
        return (ia & INDEX_MASK) < (ib & INDEX_MASK);
    }
}
