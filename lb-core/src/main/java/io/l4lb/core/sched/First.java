package io.l4lb.core.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * HAProxy {@code first} ({@code lb_fas.c}): the first server, in list order, that has a free
 * connection slot ({@code active < maxconn}; maxconn 0 = unlimited, so the first such server takes
 * everything). Fills servers one after the other so the others can be powered down. When every
 * server is full the pick is -1: l4lb has no queue, the connection is refused (HAProxy would
 * queue it). Weight 0 servers are never picked.
 *
 * <p>A segment tree of "first free server in this subtree" gives O(1) picks and O(log n) updates
 * on {@link #loadChanged}. Same concurrency contract as {@link LoadTree}: opaque single-slot
 * writes, exact single-threaded, eventually exact under concurrent updates. A pick checks the
 * chosen server's count itself, so a stale tree never hands out a server known to be full.
 */
public final class First implements Scheduler {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    private final ServerLoad[] loads;
    /** maxconn per server; 0 = unlimited, -1 = never (weight 0). */
    private final int[] limit;
    private final int[] node;
    private final int size;

    public First(List<SchedServer> servers) {
        int n = servers.size();
        int s = 1;
        while (s < n) {
            s <<= 1;
        }
        this.size = s;
        this.loads = new ServerLoad[n];
        this.limit = new int[n];
        this.node = new int[2 * s];
        java.util.Arrays.fill(node, -1);
        for (int i = 0; i < n; i++) {
            SchedServer srv = servers.get(i);
            loads[i] = srv.load();
            limit[i] = srv.weight() == 0 ? -1 : srv.maxconn();
            node[s + i] = free(i) ? i : -1;
        }
        for (int p = s - 1; p >= 1; p--) {
            node[p] = node[2 * p] >= 0 ? node[2 * p] : node[2 * p + 1];
        }
        VarHandle.releaseFence();
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new First(servers);
    }

    @Override
    public int pick(int flowHash) {
        int w = (int) INTS.getOpaque(node, 1);
        if (w >= 0 && !free(w)) {
            loadChanged(w); // the tree lagged behind a connection count: repair, ask again once
            w = (int) INTS.getOpaque(node, 1);
            return w >= 0 && free(w) ? w : -1;
        }
        return w;
    }

    @Override
    public void loadChanged(int index) {
        if (index < 0 || index >= limit.length) {
            return;
        }
        int leaf = size + index;
        INTS.setOpaque(node, leaf, free(index) ? index : -1);
        for (int p = leaf >> 1; p >= 1; p >>= 1) {
            int l = (int) INTS.getOpaque(node, 2 * p);
            int w = l >= 0 ? l : (int) INTS.getOpaque(node, 2 * p + 1);
            if ((int) INTS.getOpaque(node, p) == w) {
                return; // unchanged here, so unchanged above
            }
            INTS.setOpaque(node, p, w);
        }
    }

    private boolean free(int i) {
        int max = limit[i];
        return max == 0 || (max > 0 && loads[i].active() < max);
    }
}
