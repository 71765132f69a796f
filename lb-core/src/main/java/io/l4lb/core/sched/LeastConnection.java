package io.l4lb.core.sched;

import java.util.List;

/**
 * LVS {@code lc} ({@code ip_vs_lc.c}): the server with the least overhead
 * {@code active*256 + inactive}, weights ignored except that weight 0 is never picked. Ties
 * rotate. O(log n) per update through {@link LoadTree}.
 */
public final class LeastConnection extends LoadTree {
    public LeastConnection(List<SchedServer> servers) {
        super(servers);
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new LeastConnection(servers);
    }

    @Override
    long cost(ServerLoad load) {
        return overhead(load);
    }

    @Override
    int divisor(int weight) {
        return 1;
    }

    /** LVS {@code ip_vs_dest_conn_overhead}: an active connection weighs 256 inactive ones. */
    static long overhead(ServerLoad load) {
        return Math.max(0L, (long) load.active() * 256 + load.inactive());
    }
}
