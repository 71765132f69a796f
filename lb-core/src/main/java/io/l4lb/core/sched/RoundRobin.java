package io.l4lb.core.sched;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * LVS {@code rr}: every server with a weight above 0 in turn, weights otherwise ignored
 * ({@code ip_vs_rr.c}). Lock-free: one atomic counter, reduced with {@link Math#floorMod} so the
 * wrap at {@link Integer#MAX_VALUE} keeps the rotation going. A new snapshot starts at a random
 * position so frequent republishing (health flaps, slow start) does not favour the first server.
 */
public final class RoundRobin implements Scheduler {
    private final int[] eligible;
    private final AtomicInteger counter;

    public RoundRobin(List<SchedServer> servers, int start) {
        this.eligible = java.util.stream.IntStream.range(0, servers.size())
                .filter(i -> servers.get(i).weight() > 0).toArray();
        this.counter = new AtomicInteger(start);
    }

    public static Scheduler create(List<SchedServer> servers) {
        return new RoundRobin(servers, ThreadLocalRandom.current().nextInt());
    }

    @Override
    public int pick(int flowHash) {
        int n = eligible.length;
        return n == 0 ? -1 : eligible[Math.floorMod(counter.getAndIncrement(), n)];
    }
}
