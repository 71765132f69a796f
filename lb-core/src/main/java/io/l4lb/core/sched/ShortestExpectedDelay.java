package io.l4lb.core.sched;

import java.util.List;

/**
 * LVS {@code sed} ({@code ip_vs_sed.c}, Shortest Expected Delay): the least
 * {@code (active + 1) / weight}, the expected delay of one more connection on that server.
 * Inactive connections do not count. Ties rotate. O(log n) per update.
 */
public final class ShortestExpectedDelay extends LoadTree {
    public ShortestExpectedDelay(List<SchedServer> servers) {
        super(servers);
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new ShortestExpectedDelay(servers);
    }

    @Override
    long cost(ServerLoad load) {
        return Math.max(0, load.active()) + 1L;
    }

    @Override
    int divisor(int weight) {
        return weight;
    }
}
