package io.l4lb.core.sched;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HAProxy {@code static-rr}: weighted round-robin over a map fixed when the snapshot is built
 * ({@code lb_map.c}). Same exact, interleaved cycle as {@link WeightedRoundRobin}; the difference
 * is that the map is static: every snapshot starts at the head of the cycle, so a given server
 * list and weights always produce the same pick sequence (reproducible, as HAProxy's map is).
 */
public final class StaticRoundRobin implements Scheduler {
    private final int[] map;
    private final AtomicInteger counter = new AtomicInteger();

    public StaticRoundRobin(List<SchedServer> servers) {
        this.map = WeightedCycle.build(WeightedCycle.weightsOf(servers));
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new StaticRoundRobin(servers);
    }

    @Override
    public int pick(int flowHash) {
        int n = map.length;
        return n == 0 ? -1 : map[Math.floorMod(counter.getAndIncrement(), n)];
    }
}
