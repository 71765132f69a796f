package io.l4lb.core.stats;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one frontend, written by the dataplane from event-loop threads and read by the
 * stats renderers. LongAdder/AtomicInteger: no lock, no contention between event loops.
 */
public final class FrontendCounters {
    public final LongAdder connectionsTotal = new LongAdder();
    public final AtomicInteger connectionsActive = new AtomicInteger();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    /** Connections closed by {@code tcp-request connection|content reject}. */
    public final LongAdder denied = new LongAdder();
    /** Connections that could not reach any server (all refused, none usable, queue timeout). */
    public final LongAdder connectErrors = new LongAdder();
    /** Connect attempts repeated after a failure (every server). */
    public final LongAdder retries = new LongAdder();
    /** Retries sent to another server than the failed one ({@code option redispatch}). */
    public final LongAdder redispatches = new LongAdder();
}
