package io.l4lb.core.stats;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one frontend, written by the dataplane from event-loop threads and read by the
 * stats renderers. LongAdder/AtomicInteger: no lock, no contention between event loops.
 *
 * <p>A {@code forward dr|tunnel} frontend (a virtual service of the packet plane) writes the same
 * object: {@link #connectionsTotal} flows scheduled, {@link #connectionsActive} established flows
 * and {@link #connectionsInactive} the others (LVS ActiveConn / InActConn), {@link #bytesIn} and
 * {@link #packets} what it forwarded (IP total length), {@link #drops} by reason. Proxy frontends
 * leave the packet fields at zero, as the packet plane leaves the proxy-only ones.
 */
public final class FrontendCounters {
    public final LongAdder connectionsTotal = new LongAdder();
    public final AtomicInteger connectionsActive = new AtomicInteger();
    /** Packet plane: tracked flows not established (SYN_RECV, FIN_WAIT, TIME_WAIT, CLOSE, UDP). */
    public final AtomicInteger connectionsInactive = new AtomicInteger();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    /** Packet plane: packets forwarded to a real server. */
    public final LongAdder packets = new LongAdder();
    /** Connections closed by {@code tcp-request connection|content reject}. */
    public final LongAdder denied = new LongAdder();
    /** Connections that could not reach any server (all refused, none usable, queue timeout). */
    public final LongAdder connectErrors = new LongAdder();
    /** Connect attempts repeated after a failure (every server). */
    public final LongAdder retries = new LongAdder();
    /** Retries sent to another server than the failed one ({@code option redispatch}). */
    public final LongAdder redispatches = new LongAdder();
    /** Packet plane: packets of this frontend's services dropped, by reason ({@link DropCounters#NONE} in proxy mode). */
    public final DropCounters drops;

    public FrontendCounters() {
        this(DropCounters.NONE);
    }

    public FrontendCounters(DropCounters drops) {
        this.drops = drops;
    }
}
