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
 * <p>Layout: open addressing with linear probing over parallel primitive arrays, capacity twice the
 * flow limit (load <= 0.5), deletion by backward shift (Knuth 6.4 Algorithm R), so nothing is
 * allocated per packet or per flow. Timeouts are lazy (checked on lookup) plus a bounded sweep
 * ({@link #expire}) the worker runs between batches.
 *
 * <p>Eviction (table at its limit): the oldest non-established flow in a window of
 * {@value #EVICT_SCAN} slots, after any expired one; established flows are never evicted, so a
 * table full of them refuses the new flow ({@link #FULL}) and the engine forwards it untracked.
 */
public final class ConnectionTable {
    public static final int NOT_FOUND = -1;
    public static final int FULL = -2;
    static final int EVICT_SCAN = 64;

    private final int maxFlows;
    private final int mask;
    private final long[] k1;
    private final long[] k2;
    private final int[] hashes;
    private final long[] expires;
    private final byte[] states;
    private final VirtualService[] services;
    private final RealServer[] servers;
    private final long[] timeouts;
    private final PersistenceTemplates templates;
    private int size;
    private int sweepHand;
    private int evictHand;

    public ConnectionTable(int maxFlows, FlowTimeouts timeouts, PersistenceTemplates templates) {
        if (maxFlows < 1 || maxFlows > (1 << 29)) {
            throw new IllegalArgumentException("maxFlows out of range: " + maxFlows);
        }
        int cap = Integer.highestOneBit(Math.max(4, maxFlows * 2) - 1) << 1;
        this.maxFlows = maxFlows;
        this.mask = cap - 1;
        this.k1 = new long[cap];
        this.k2 = new long[cap];
        this.hashes = new int[cap];
        this.expires = new long[cap];
        this.states = new byte[cap];
        this.services = new VirtualService[cap];
        this.servers = new RealServer[cap];
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
            long kb = k2[i];
            if (kb == 0) {
                return NOT_FOUND;
            }
            if (kb == b && k1[i] == a) {
                if (expires[i] - now <= 0) {
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
        while (k2[i] != 0) {
            i = (i + 1) & mask;
        }
        k1[i] = key1(src, dst);
        k2[i] = key2(sport, dport, proto);
        hashes[i] = hash;
        states[i] = (byte) state.ordinal();
        expires[i] = now + timeouts[state.ordinal()];
        services[i] = svc;
        servers[i] = rs;
        size++;
        svc.counters().connectionsTotal.increment();
        rs.runtime().counters().connectionsTotal.increment();
        account(svc, rs, state, 1);
        return i;
    }

    /** A TCP packet of a known flow: state transition (active/inactive moved) and idle timer restart. */
    public void onTcp(int slot, int flags, long now) {
        TcpState old = TcpState.VALUES[states[slot]];
        TcpState nw = old.next(flags);
        if (nw != old) {
            states[slot] = (byte) nw.ordinal();
            if (old.active() != nw.active()) {
                account(services[slot], servers[slot], old, -1);
                account(services[slot], servers[slot], nw, 1);
            }
        }
        expires[slot] = now + timeouts[nw.ordinal()];
    }

    /** A packet of a known non-TCP flow: restart the idle timer. */
    public void touch(int slot, long now) {
        expires[slot] = now + timeouts[states[slot]];
    }

    public RealServer server(int slot) {
        return servers[slot];
    }

    public VirtualService service(int slot) {
        return services[slot];
    }

    public TcpState state(int slot) {
        return TcpState.VALUES[states[slot]];
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
            if (k2[i] != 0 && expires[i] - now <= 0) {
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

    private boolean evictOne(long now) {
        int victim = -1;
        int i = evictHand;
        for (int n = 0; n < EVICT_SCAN; n++, i = (i + 1) & mask) {
            if (k2[i] == 0) {
                continue;
            }
            if (expires[i] - now <= 0) {
                victim = i;
                break;
            }
            TcpState st = TcpState.VALUES[states[i]];
            if (!st.active() && (victim < 0 || expires[i] - expires[victim] < 0)) {
                victim = i;
            }
        }
        evictHand = i;
        if (victim < 0) {
            return false;
        }
        release(victim, now);
        removeAt(victim);
        return true;
    }

    private void release(int i, long now) {
        VirtualService svc = services[i];
        account(svc, servers[i], TcpState.VALUES[states[i]], -1);
        if (templates != null && svc.persistent()) {
            templates.release((int) (k1[i] >>> 32), svc.vip(), svc.port(), svc.proto(), now, svc.persistNanos());
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
        for (int j = (slot + 1) & mask; k2[j] != 0; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            boolean stays = free <= j ? (free < home && home <= j) : (free < home || home <= j);
            if (!stays) {
                k1[free] = k1[j];
                k2[free] = k2[j];
                hashes[free] = hashes[j];
                expires[free] = expires[j];
                states[free] = states[j];
                services[free] = services[j];
                servers[free] = servers[j];
                free = j;
            }
        }
        k1[free] = 0;
        k2[free] = 0;
        services[free] = null;
        servers[free] = null;
        size--;
    }
}
