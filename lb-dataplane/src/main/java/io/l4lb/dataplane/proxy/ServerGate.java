package io.l4lb.dataplane.proxy;

import io.l4lb.core.state.ServerRuntime;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Server {@code maxconn} with HAProxy's queue: a connection takes a slot or waits in this
 * server's FIFO; a slot released by a finished connection is handed straight to the oldest waiter
 * (on the waiter's own event loop). {@code maxconn} 0 = unlimited, the gate then only counts.
 * Thread-safe: event loops of every frontend share one gate per server.
 */
final class ServerGate {
    /** A connection waiting for a slot. {@link #grant} returns false when it gave up meanwhile. */
    interface Waiter {
        boolean grant();
    }

    private final ServerRuntime server;
    private final int maxconn;
    private final int maxqueue;
    private final AtomicInteger used = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiter> queue = new ConcurrentLinkedQueue<>();
    private final LiveSessions live = new LiveSessions();

    ServerGate(ServerRuntime server) {
        this.server = server;
        this.maxconn = server.config().options().maxconn();
        this.maxqueue = server.config().options().maxqueue();
    }

    /** The sessions holding a slot here (for shutdown-sessions). */
    LiveSessions live() {
        return live;
    }

    ServerRuntime server() {
        return server;
    }

    boolean full() {
        return maxconn > 0 && used.get() >= maxconn;
    }

    /** Takes a slot if one is free. */
    boolean tryAcquire() {
        if (maxconn == 0) {
            used.incrementAndGet();
            return true;
        }
        for (;;) {
            int n = used.get();
            if (n >= maxconn) {
                return false;
            }
            if (used.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Queues a waiter; false when {@code maxqueue} is reached (the caller then fails the connection). */
    boolean enqueue(Waiter w) {
        if (maxqueue > 0 && server.counters().queueCurrent.get() >= maxqueue) {
            return false;
        }
        server.counters().queueCurrent.incrementAndGet();
        queue.add(w);
        // A slot may have been released between tryAcquire and add: hand it over now.
        if (tryAcquire()) {
            release();
        }
        return true;
    }

    /** A queued waiter gave up (timeout queue, client gone). */
    void dequeued(Waiter w) {
        if (queue.remove(w)) {
            server.counters().queueCurrent.decrementAndGet();
        }
    }

    /** Frees a slot, or passes it to the oldest waiter still interested. */
    void release() {
        Waiter w;
        while ((w = queue.poll()) != null) {
            server.counters().queueCurrent.decrementAndGet();
            if (w.grant()) {
                return; // the slot now belongs to w
            }
        }
        used.decrementAndGet();
        // Close the race with a concurrent enqueue that saw us full.
        if (!queue.isEmpty() && tryAcquire()) {
            release();
        }
    }

    int used() {
        return used.get();
    }
}
