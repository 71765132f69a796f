package io.l4lb.dataplane.vrrp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one VRRP instance, written by its thread, read by anyone (metrics, ctl). Plain
 * atomics so the admin issue can expose them as {@code l4lb_vrrp_adverts_dropped_total{reason}},
 * {@code l4lb_vrrp_adverts_sent_total}, {@code l4lb_vrrp_adverts_late_total}, ... Allocation-free to
 * increment.
 */
public final class VrrpCounters {
    private final AtomicLongArray dropped = new AtomicLongArray(DropReason.values().length);
    private final AtomicLongArray counts = new AtomicLongArray(Kind.values().length);

    /** The non-drop counters. */
    public enum Kind {
        ADVERTS_SENT, ADVERTS_RECEIVED, ADVERTS_LATE, SEND_ERRORS, GARP_SENT, TRANSITIONS,
        BECAME_MASTER, PRIORITY_ZERO_SENT, PRIORITY_ZERO_RECEIVED
    }

    public void drop(DropReason reason) {
        dropped.incrementAndGet(reason.ordinal());
    }

    public long dropped(DropReason reason) {
        return dropped.get(reason.ordinal());
    }

    public long droppedTotal() {
        long sum = 0;
        for (int i = 0; i < dropped.length(); i++) {
            sum += dropped.get(i);
        }
        return sum;
    }

    public void increment(Kind kind) {
        counts.incrementAndGet(kind.ordinal());
    }

    public void add(Kind kind, long n) {
        counts.addAndGet(kind.ordinal(), n);
    }

    public long get(Kind kind) {
        return counts.get(kind.ordinal());
    }

    /** A snapshot of the drop counters by reason (allocates; for metrics and ctl). */
    public Map<DropReason, Long> droppedByReason() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            m.put(r, dropped(r));
        }
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Kind k : Kind.values()) {
            sb.append(k.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(get(k)).append(' ');
        }
        for (DropReason r : DropReason.values()) {
            sb.append("dropped_").append(r.label()).append('=').append(dropped(r)).append(' ');
        }
        return sb.toString().trim();
    }
}
