package io.l4lb.dataplane.proxy;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The live sessions holding a slot on one server, kept per event loop as HAProxy keeps
 * {@code srv->per_thr[tid].streams}: a session adds and removes itself on its own loop in a plain
 * set only that loop touches, so the hot path costs one lock-free map read and a HashSet
 * operation, with no lock shared between loops. Closing them (on-marked-down shutdown-sessions)
 * hops onto each loop.
 */
final class LiveSessions {
    private final Map<EventLoop, Set<ProxySession>> perLoop = new ConcurrentHashMap<>();

    /** On {@code loop}: {@code s} took a slot on this server. */
    void add(EventLoop loop, ProxySession s) {
        Set<ProxySession> set = perLoop.get(loop);
        if (set == null) {
            set = perLoop.computeIfAbsent(loop, l -> new HashSet<>());
        }
        set.add(s);
    }

    /** On {@code loop}: {@code s} released its slot. */
    void remove(EventLoop loop, ProxySession s) {
        Set<ProxySession> set = perLoop.get(loop);
        if (set != null) {
            set.remove(s);
        }
    }

    /**
     * Closes every session, each on its own loop; any thread, never blocks. {@code done} gets the
     * number closed once every loop has run (loops already shut down count as 0).
     */
    void closeAll(IntConsumer done) {
        List<EventLoop> loops = new ArrayList<>(perLoop.keySet());
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger pending = new AtomicInteger(loops.size() + 1);
        for (EventLoop loop : loops) {
            Runnable closeHere = () -> {
                Set<ProxySession> set = perLoop.get(loop);
                if (set != null && !set.isEmpty()) {
                    List<ProxySession> copy = new ArrayList<>(set); // close() removes from the set
                    for (ProxySession s : copy) {
                        s.close();
                    }
                    closed.addAndGet(copy.size());
                }
                if (pending.decrementAndGet() == 0) {
                    done.accept(closed.get());
                }
            };
            try {
                loop.execute(closeHere);
            } catch (RejectedExecutionException e) {
                if (pending.decrementAndGet() == 0) {
                    done.accept(closed.get());
                }
            }
        }
        if (pending.decrementAndGet() == 0) {
            done.accept(closed.get());
        }
    }
}
