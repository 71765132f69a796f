package io.l4lb.dataplane.proxy;

import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Global or frontend {@code maxconn}. At the limit the listening sockets stop accepting (auto-read
 * off on the server channels: new clients wait in the kernel backlog, as with HAProxy) instead of
 * being reset. A connection that was already accepted in the same batch waits here, unserved,
 * until a slot frees. 0 = unlimited (only counts). Thread-safe.
 */
final class ConnectionLimiter {
    /** Changed by a reload ({@link #setMax}); read once per acquire. */
    private volatile int max;
    private final AtomicInteger current = new AtomicInteger();
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<ServerGate.Waiter> waiting = new ConcurrentLinkedQueue<>();
    private volatile boolean paused;

    ConnectionLimiter(int max) {
        this.max = max;
    }

    void addListener(Channel serverChannel) {
        listeners.add(serverChannel);
    }

    int current() {
        return current.get();
    }

    /**
     * Reload: a new limit for the connections accepted from now on. Raising it (or 0 = unlimited)
     * hands the new slots to waiting connections and resumes accepting; lowering it below the live
     * count pauses accepting until enough connections end (live ones are never cut).
     */
    synchronized void setMax(int n) {
        max = n;
        while (!waiting.isEmpty() && tryAcquire()) {
            release(); // hands the slot to the oldest waiter
        }
        if (n > 0 && current.get() >= n) {
            pause();
        } else if (paused) {
            resume();
        }
    }

    int max() {
        return max;
    }

    boolean tryAcquire() {
        int max = this.max;
        if (max == 0) {
            current.incrementAndGet();
            return true;
        }
        for (;;) {
            int n = current.get();
            if (n >= max) {
                pause();
                return false;
            }
            if (current.compareAndSet(n, n + 1)) {
                if (n + 1 >= max) {
                    pause();
                }
                return true;
            }
        }
    }

    void enqueue(ServerGate.Waiter w) {
        waiting.add(w);
        if (tryAcquire()) {
            release();
        }
    }

    void release() {
        ServerGate.Waiter w;
        while ((w = waiting.poll()) != null) {
            if (w.grant()) {
                return;
            }
        }
        int n = current.decrementAndGet();
        if (!waiting.isEmpty() && tryAcquire()) {
            release();
            return;
        }
        int max = this.max;
        if ((max == 0 || n < max) && paused) {
            resume();
        }
    }

    private void pause() {
        if (!paused) {
            paused = true;
            for (Channel c : listeners) {
                c.config().setAutoRead(false);
            }
        }
    }

    private void resume() {
        paused = false;
        for (Channel c : listeners) {
            c.config().setAutoRead(true);
        }
        int max = this.max;
        if (max > 0 && current.get() >= max) {
            pause();
        }
    }
}
