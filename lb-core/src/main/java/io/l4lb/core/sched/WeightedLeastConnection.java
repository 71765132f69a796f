package io.l4lb.core.sched;

import java.util.List;

/**
 * LVS {@code wlc} / HAProxy {@code leastconn} ({@code ip_vs_wlc.c}): the least
 * {@code overhead / weight}, overhead = {@code active*256 + inactive}, compared by cross
 * multiplication ({@code oh1 * w2 < oh2 * w1}) as LVS does. Ties rotate. O(log n) per update.
 */
public final class WeightedLeastConnection extends LoadTree {
    public WeightedLeastConnection(List<SchedServer> servers) {
        super(servers);
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new WeightedLeastConnection(servers);
    }

    @Override
    long cost(ServerLoad load) {
        return LeastConnection.overhead(load);
    }

    @Override
    int divisor(int weight) {
        return weight;
    }
}
