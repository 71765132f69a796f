package io.l4lb.dataplane.packet;

import io.l4lb.core.stats.DropCounters;
import io.l4lb.core.stats.FrontendCounters;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one virtual service (VIP:port/proto), written by the packet engine. They are the
 * fields of an lb-core {@link FrontendCounters} (shared by every service of one frontend: all its
 * binds and ports), so the stats catalogue reads them live with no copy: {@link #packets} ->
 * {@code packets_total}, {@link #bytes} -> {@code bytes_in_total}, {@link #connectionsTotal} ->
 * {@code sessions_total}, active -> {@code current_sessions}, inactive -> {@code inactive_sessions},
 * per-service drops -> {@code packets_dropped_total{reason}}.
 * Active/inactive follow LVS: established TCP flows are active, every other tracked flow is inactive.
 */
public final class VipCounters {
    public final LongAdder packets;
    public final LongAdder bytes;
    public final LongAdder connectionsTotal;
    private final FrontendCounters frontend;

    /** Counters of their own (a service outside any frontend: tests, benchmarks). */
    public VipCounters() {
        this(newFrontendCounters());
    }

    /** Writes into {@code frontend}, which must come from {@link #newFrontendCounters()}. */
    public VipCounters(FrontendCounters frontend) {
        if (!frontend.drops.reasons().equals(DropReason.perServiceLabels())) {
            throw new IllegalArgumentException("frontend counters without the packet drop reasons");
        }
        this.frontend = frontend;
        this.packets = frontend.packets;
        this.bytes = frontend.bytesIn;
        this.connectionsTotal = frontend.connectionsTotal;
    }

    /** Frontend counters with the per-service drop reasons, for the services of one frontend. */
    public static FrontendCounters newFrontendCounters() {
        return new FrontendCounters(new DropCounters(DropReason.perServiceLabels()));
    }

    public FrontendCounters frontend() {
        return frontend;
    }

    public int active() {
        return frontend.connectionsActive.get();
    }

    public int inactive() {
        return frontend.connectionsInactive.get();
    }

    public void addActive(int d) {
        frontend.connectionsActive.addAndGet(d);
    }

    public void addInactive(int d) {
        frontend.connectionsInactive.addAndGet(d);
    }

    /** Hot path: a packet of this service dropped for a per-service reason (others are ignored). */
    public void drop(DropReason r) {
        int i = r.serviceIndex();
        if (i >= 0) {
            frontend.drops.increment(i);
        }
    }

    public long drops(DropReason r) {
        return frontend.drops.get(r.label());
    }
}
