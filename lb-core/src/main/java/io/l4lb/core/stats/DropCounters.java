package io.l4lb.core.stats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live drop counters by reason, written by the packet plane and read by the stats renderers as a
 * {@code reason} label ({@code l4lb_frontend_packets_dropped_total{reason}}). The reasons are fixed
 * at construction (the dataplane's list, lower snake case); a counter is addressed by its index
 * there so the hot path does no lookup. LongAdder: no contention between packet workers.
 */
public final class DropCounters {
    /** No reasons: proxy-mode frontends, which drop no packets. */
    public static final DropCounters NONE = new DropCounters(List.of());

    private final List<String> reasons;
    private final LongAdder[] counts;

    public DropCounters(List<String> reasons) {
        this.reasons = List.copyOf(reasons);
        this.counts = new LongAdder[this.reasons.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** The reason labels, in index order. */
    public List<String> reasons() {
        return reasons;
    }

    /** Hot path: one more drop for the reason at {@code index} of {@link #reasons()}. */
    public void increment(int index) {
        counts[index].increment();
    }

    /** Drops for {@code reason}; 0 for a reason this set does not have. */
    public long get(String reason) {
        int i = reasons.indexOf(reason);
        return i < 0 ? 0 : counts[i].sum();
    }

    public long total() {
        long t = 0;
        for (LongAdder c : counts) {
            t += c.sum();
        }
        return t;
    }

    /** Every reason (zeros included) in index order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            m.put(reasons.get(i), counts[i].sum());
        }
        return Collections.unmodifiableMap(m);
    }
}
