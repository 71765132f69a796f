package io.l4lb.dataplane.packet;

import io.l4lb.core.stats.PacketPlaneStats;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Engine-wide counters shared by every worker (LongAdder: no contention between workers). Drops
 * are counted by reason; the stats catalogue reads {@link #drops()}.
 */
public final class EngineCounters {
    private final LongAdder[] drops = new LongAdder[DropReason.VALUES.length];
    public final LongAdder passed = new LongAdder();
    public final LongAdder arpReplies = new LongAdder();
    public final LongAdder fragNeededSent = new LongAdder();
    /** TCP GSO super-frames to tunnel services segmented in software. */
    public final LongAdder gsoSuperFrames = new LongAdder();
    /** IPIP segments produced from them. */
    public final LongAdder gsoSegments = new LongAdder();
    /** New flows scheduled from a SYN (or a first UDP datagram). */
    public final LongAdder flowsScheduled = new LongAdder();
    /** Flows missing from the table met mid-stream and placed by the consistent (Maglev) lookup. */
    public final LongAdder flowsRecovered = new LongAdder();
    /** Flows forwarded without a table entry because the table was full of established flows. */
    public final LongAdder flowsUntracked = new LongAdder();

    public EngineCounters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    void drop(DropReason r) {
        drops[r.ordinal()].increment();
    }

    public long drops(DropReason r) {
        return drops[r.ordinal()].sum();
    }

    public long dropsTotal() {
        long t = 0;
        for (LongAdder d : drops) {
            t += d.sum();
        }
        return t;
    }

    /** A point-in-time copy of every drop counter. */
    public Map<DropReason, Long> drops() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.VALUES) {
            m.put(r, drops(r));
        }
        return m;
    }

    /** The stats view ({@code l4lb_packet_*}): every drop reason by its label, zeros included. */
    public PacketPlaneStats snapshot() {
        Map<String, Long> d = new LinkedHashMap<>();
        for (DropReason r : DropReason.VALUES) {
            d.put(r.label(), drops(r));
        }
        return new PacketPlaneStats(passed.sum(), arpReplies.sum(), fragNeededSent.sum(), flowsScheduled.sum(),
                flowsRecovered.sum(), flowsUntracked.sum(), d);
    }
}
