package io.l4lb.core.sched;

import java.util.List;

/**
 * LVS {@code nq} ({@code ip_vs_nq.c}, Never Queue): an idle server (no active connection) if
 * there is one, else the {@code sed} choice {@code (active + 1) / weight}. Idle servers all cost 0
 * and so rotate among themselves (LVS takes the first idle one found; rotating spreads better and
 * keeps the "ties rotate" rule of every least-load scheduler here). O(log n) per update.
 */
public final class NeverQueue extends LoadTree {
    public NeverQueue(List<SchedServer> servers) {
        super(servers);
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new NeverQueue(servers);
    }

    @Override
    long cost(ServerLoad load) {
        int active = load.active();
        return active <= 0 ? 0 : active + 1L;
    }

    @Override
    int divisor(int weight) {
        return weight;
    }
}
