package io.l4lb.dataplane.packet.flow;

import io.l4lb.dataplane.packet.RealServer;
import io.l4lb.dataplane.packet.VirtualService;

/**
 * Connection table of one worker: 5-tuple -> real server and flow state (LVS {@code ip_vs_conn}).
 *
 * <p>Threading: single-threaded. Each packet worker owns one table; PACKET_FANOUT_HASH delivers
 * every packet of a flow to the same worker (the kernel's flow hash of the 4-tuple), so no flow is
 * ever in two tables and nothing here locks. Shared effects (server load, VIP counters, templates)
 * go through thread-safe objects.
 *
 * <p>Layout: open addressing with linear probing, capacity twice the flow limit (load <= 0.5); a
 * slot's keys, expiry and state share one {@code long[]} stride (one cache line for a lookup) and
 * its two references an {@code Object[]} stride, deletion by backward shift (Knuth 6.4 Algorithm R), so nothing is
 * allocated per packet or per flow. Timeouts are lazy (checked on lookup) plus a bounded sweep
 * ({@link #expire}) the worker runs between batches.
 *
 * <p>Eviction (table at its limit): the first expired or non-established flow found within
 * {@value #EVICT_SCAN} slots of a clock hand; established flows are never evicted, so a
 * table full of them refuses the new flow ({@link #FULL}) and the engine forwards it untracked.
 */
public final class ConnectionTable {
    public static final int NOT_FOUND = -1;
    public static final int FULL = -2;
    static final int EVICT_SCAN = 64;
    private static final int STRIDE = 4;
    private static final int K1 = 0;
    private static final int K2 = 1;
    private static final int EXP = 2;
    private static final int META = 3;

    private final int maxFlows;
    private final int mask;
    /** Per slot, {@value #STRIDE} longs on one half cache line: key1, key2 (0 = empty), expiry, hash << 32 | state. */
    private final long[] slots;
    /** Per slot: the service and the real server. */
    private final Object[] refs;
    private final long[] timeouts;
    private final PersistenceTemplates templates;
    private int size;
    private int sweepHand;
    private int evictHand;

    public ConnectionTable(int maxFlows, FlowTimeouts timeouts, PersistenceTemplates templates) {
        if (maxFlows < 1 || maxFlows > (1 << 26)) {
            throw new IllegalArgumentException("maxFlows out of range: " + maxFlows);
        }
        int cap = Integer.highestOneBit(Math.max(4, maxFlows * 2) - 1) << 1;
        this.maxFlows = maxFlows;
        this.mask = cap - 1;
        this.slots = new long[cap * STRIDE];
        this.refs = new Object[cap * 2];
        this.timeouts = timeouts.nanosByState();
        this.templates = templates;
    }

    private static long key1(int src, int dst) {
        return ((long) src << 32) | (dst & 0xffff_ffffL);
    }

    /** Never 0 (bit 0 set): 0 marks an empty slot. */
    private static long key2(int sport, int dport, int proto) {
        return ((long) sport << 40) | ((long) dport << 24) | ((long) proto << 8) | 1L;
    }

    /** The live slot of the flow, or {@link #NOT_FOUND}; an expired entry found here is released. */
    public int find(int hash, int src, int dst, int sport, int dport, int proto, long now) {
        long a = key1(src, dst);
        long b = key2(sport, dport, proto);
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long kb = slots[i * STRIDE + K2];
            if (kb == 0) {
                return NOT_FOUND;
            }
            if (kb == b && slots[i * STRIDE + K1] == a) {
                if (slots[i * STRIDE + EXP] - now <= 0) {
                    release(i, now);
                    removeAt(i);
                    return NOT_FOUND;
                }
                return i;
            }
        }
    }

    /**
     * Adds a flow known to be absent. Counts it as a connection of the server and the VIP, active
     * or inactive by state. Returns its slot, or {@link #FULL} when the limit is reached and nothing
     * can be evicted.
     */
    public int insert(int hash, int src, int dst, int sport, int dport, int proto, VirtualService svc,
                      RealServer rs, TcpState state, long now) {
        if (size >= maxFlows && !evictOne(now)) {
            return FULL;
        }
        int i = hash & mask;
        while (slots[i * STRIDE + K2] != 0) {
            i = (i + 1) & mask;
        }
        int o = i * STRIDE;
        slots[o + K1] = key1(src, dst);
        slots[o + K2] = key2(sport, dport, proto);
        slots[o + EXP] = now + timeouts[state.ordinal()];
        slots[o + META] = ((long) hash << 32) | state.ordinal();
        refs[2 * i] = svc;
        refs[2 * i + 1] = rs;
        size++;
        svc.counters().connectionsTotal.increment();
        rs.runtime().counters().connectionsTotal.increment();
        account(svc, rs, state, 1);
        return i;
    }

    /** A TCP packet of a known flow: state transition (active/inactive moved) and idle timer restart. */
    public void onTcp(int slot, int flags, long now) {
        int o = slot * STRIDE;
        long meta = slots[o + META];
        TcpState old = TcpState.VALUES[(int) meta & 0xff];
        TcpState nw = old.next(flags);
        if (nw != old) {
            slots[o + META] = (meta & 0xffff_ffff_0000_0000L) | nw.ordinal();
            if (old.active() != nw.active()) {
                account(service(slot), server(slot), old, -1);
                account(service(slot), server(slot), nw, 1);
            }
        }
        slots[o + EXP] = now + timeouts[nw.ordinal()];
    }

    /** A packet of a known non-TCP flow: restart the idle timer. */
    public void touch(int slot, long now) {
        slots[slot * STRIDE + EXP] = now + timeouts[stateOrdinal(slot)];
    }

    public RealServer server(int slot) {
        return (RealServer) refs[2 * slot + 1];
    }

    public VirtualService service(int slot) {
        return (VirtualService) refs[2 * slot];
    }

    private int stateOrdinal(int slot) {
        return (int) slots[slot * STRIDE + META] & 0xff;
    }

    public TcpState state(int slot) {
        return TcpState.VALUES[stateOrdinal(slot)];
    }

    public int size() {
        return size;
    }

    public int maxFlows() {
        return maxFlows;
    }

    /** Slots in the table (twice the flow limit, a power of two). */
    public int capacity() {
        return mask + 1;
    }

    /**
     * Releases up to {@code budget} slots' worth of expired flows, continuing where the last call
     * stopped (a clock hand). Returns how many flows ended.
     */
    public int expire(long now, int budget) {
        int released = 0;
        for (int n = 0; n < budget; n++) {
            int i = sweepHand;
            if (slots[i * STRIDE + K2] != 0 && slots[i * STRIDE + EXP] - now <= 0) {
                release(i, now);
                removeAt(i);
                released++;
                // the backward shift may have moved another entry into slot i: look at it again
            } else {
                sweepHand = (i + 1) & mask;
            }
        }
        return released;
    }

    /**
     * CLOCK-style: from the hand, the first expired or non-established flow within
     * {@value #EVICT_SCAN} slots. (Choosing the oldest in the window instead was measured to grow
     * probe clusters tenfold under a SYN flood, see docs/benchmarks-packet.md.)
     */
    private boolean evictOne(long now) {
        int victim = -1;
        int i = evictHand;
        for (int n = 0; n < EVICT_SCAN; n++, i = (i + 1) & mask) {
            int o = i * STRIDE;
            if (slots[o + K2] != 0 && (slots[o + EXP] - now <= 0
                    || !TcpState.VALUES[(int) slots[o + META] & 0xff].active())) {
                victim = i;
                break;
            }
        }
        evictHand = victim >= 0 ? (victim + 1) & mask : i;
        if (victim < 0) {
            return false;
        }
        release(victim, now);
        removeAt(victim);
        return true;
    }

    private void release(int i, long now) {
        VirtualService svc = service(i);
        account(svc, server(i), TcpState.VALUES[stateOrdinal(i)], -1);
        if (templates != null && svc.persistent()) {
            templates.release((int) (slots[i * STRIDE + K1] >>> 32), svc.vip(), svc.port(), svc.proto(), now, svc.persistNanos());
        }
    }

    private static void account(VirtualService svc, RealServer rs, TcpState st, int delta) {
        if (st.active()) {
            rs.runtime().load().addActive(delta);
            svc.counters().addActive(delta);
        } else {
            rs.runtime().load().addInactive(delta);
            svc.counters().addInactive(delta);
        }
        svc.loadChanged(rs.runtime());
    }

    /** Backward-shift deletion: keeps every probe chain unbroken without tombstones. */
    private void removeAt(int slot) {
        int free = slot;
        for (int j = (slot + 1) & mask; slots[j * STRIDE + K2] != 0; j = (j + 1) & mask) {
            int home = (int) (slots[j * STRIDE + META] >>> 32) & mask;
            boolean stays = free <= j ? (free < home && home <= j) : (free < home || home <= j);
            if (!stays) {
                System.arraycopy(slots, j * STRIDE, slots, free * STRIDE, STRIDE);
                refs[2 * free] = refs[2 * j];
                refs[2 * free + 1] = refs[2 * j + 1];
                free = j;
            }
        }
        slots[free * STRIDE + K1] = 0;
        slots[free * STRIDE + K2] = 0;
        refs[2 * free] = null;
        refs[2 * free + 1] = null;
        size--;
    }
}
