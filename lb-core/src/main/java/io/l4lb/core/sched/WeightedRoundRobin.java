package io.l4lb.core.sched;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code wrr} / HAProxy {@code roundrobin}: smooth, exact weighted round-robin. Over every
 * sum(weights) consecutive picks each server gets exactly its weight, interleaved (weights 5,1,1
 * give {@code a a b a c a a}, as nginx's smooth weighted round-robin does). The cycle is
 * precomputed by {@link WeightedCycle} when the snapshot is built; a pick is one atomic increment
 * and one array read. {@link Math#floorMod} keeps the index valid when the counter wraps past
 * {@link Integer#MAX_VALUE} (once per 2^32 picks the position then jumps, unless the cycle length
 * divides 2^32; every cycle not straddling that wrap stays exact).
 *
 * <p>"Dynamic" as in HAProxy: a weight change (admin API, slow start) publishes a new snapshot
 * with the new weights. Each new snapshot starts at a random cycle position so frequent
 * republishing does not favour the servers at the head of the cycle.
 */
public final class WeightedRoundRobin implements Scheduler {
    private final int[] cycle;
    private final AtomicInteger counter;

    public WeightedRoundRobin(List<SchedServer> servers, int start) {
        this.cycle = WeightedCycle.build(WeightedCycle.weightsOf(servers));
        this.counter = new AtomicInteger(start);
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new WeightedRoundRobin(servers, ThreadLocalRandom.current().nextInt());
    }

    /** Length of one exact cycle (sum of the gcd-reduced weights). */
    public int cycleLength() {
        return cycle.length;
    }

    @Override
    public int pick(int flowHash) {
        int n = cycle.length;
        return n == 0 ? -1 : cycle[Math.floorMod(counter.getAndIncrement(), n)];
    }
}
