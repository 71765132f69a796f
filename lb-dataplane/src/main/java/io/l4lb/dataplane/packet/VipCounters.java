package io.l4lb.dataplane.packet;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one virtual service (VIP:port/proto), read by the stats catalogue. Active/inactive
 * follow LVS: established TCP flows are active, every other tracked flow is inactive.
 */
public final class VipCounters {
    public final LongAdder packets = new LongAdder();
    public final LongAdder bytes = new LongAdder();
    public final LongAdder connectionsTotal = new LongAdder();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger inactive = new AtomicInteger();

    public int active() {
        return active.get();
    }

    public int inactive() {
        return inactive.get();
    }

    public void addActive(int d) {
        active.addAndGet(d);
    }

    public void addInactive(int d) {
        inactive.addAndGet(d);
    }
}
