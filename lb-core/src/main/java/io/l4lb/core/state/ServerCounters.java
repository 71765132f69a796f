package io.l4lb.core.state;

import java.util.concurrent.atomic.LongAdder;

/** Cumulative per-server counters written by the dataplane, read by stats. LongAdder: no contention. */
public final class ServerCounters {
    public final LongAdder connectionsTotal = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder connectErrors = new LongAdder();
    public final LongAdder retries = new LongAdder();
    public final LongAdder redispatches = new LongAdder();
    public final LongAdder packets = new LongAdder();
    /** Connections waiting for a free slot under server {@code maxconn} (HAProxy {@code qcur}). */
    public final java.util.concurrent.atomic.AtomicInteger queueCurrent = new java.util.concurrent.atomic.AtomicInteger();
    /** Queued connections dropped after {@code timeout queue} expired. */
    public final LongAdder queueTimeouts = new LongAdder();
}
