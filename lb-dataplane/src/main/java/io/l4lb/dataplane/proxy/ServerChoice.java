package io.l4lb.dataplane.proxy;

import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import java.net.InetSocketAddress;
import java.util.List;

/** Which server a new connection (or a redispatched retry) goes to. Hot path, allocation-free. */
final class ServerChoice {
    private ServerChoice() {
    }

    /** Source hash of the client address for sh/mh (murmur3 fmix32 of InetAddress.hashCode). */
    static int flowHash(InetSocketAddress src) {
        int h = src == null ? 0 : src.getAddress().hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    /**
     * Persistence first ({@code persist T}), then the scheduler. A full server (maxconn) or, on
     * redispatch ({@code avoidTried}), one that already failed is skipped when the scheduler
     * offers another within one round; otherwise the first pick is kept (and queued when full).
     * Null when no server is usable.
     */
    static ServerRuntime pick(BackendContext backend, InetSocketAddress src, List<ServerRuntime> tried,
                              boolean avoidTried) {
        PersistenceTable p = backend.persistence();
        if (p != null && !avoidTried && src != null) {
            ServerRuntime s = p.lookup(src.getAddress());
            if (s != null) {
                return s;
            }
        }
        int hash = flowHash(src);
        ServerRuntime first = backend.runtime().pick(hash);
        ServerRuntime s = first;
        int members = backend.runtime().snapshot().members().size();
        for (int i = 0; s != null && i < members && skip(backend, s, tried, avoidTried); i++) {
            s = backend.runtime().pick(hash);
        }
        return s != null && skip(backend, s, tried, avoidTried) ? first : s;
    }

    /** A connection to {@code s} is up: with {@code persist}, the client's address now sticks to it. */
    static void connected(BackendContext backend, InetSocketAddress src, ServerRuntime s) {
        PersistenceTable p = backend.persistence();
        if (p != null && src != null) {
            p.remember(src.getAddress(), s);
        }
    }

    /**
     * {@link #retryTarget}, counted as HAProxy counts it: a retry on the frontend and on the
     * failed server, and a redispatch too when the next attempt goes to another server.
     */
    static ServerRuntime retry(FrontendCounters counters, BackendContext backend, InetSocketAddress src,
                               List<ServerRuntime> tried, ServerRuntime failed) {
        counters.retries.increment();
        failed.counters().retries.increment();
        ServerRuntime next = retryTarget(backend, src, tried, failed);
        if (next != null && next != failed) {
            counters.redispatches.increment();
            failed.counters().redispatches.increment();
        }
        return next;
    }

    /**
     * After a failed connect: the same server again, or, with {@code option redispatch} (HAProxy
     * 2.x default interval 1: every retry may go elsewhere) or when it is no longer usable, a
     * server not tried yet when one is free. Null when no server is left.
     */
    static ServerRuntime retryTarget(BackendContext backend, InetSocketAddress src, List<ServerRuntime> tried,
                                     ServerRuntime failed) {
        if (!backend.config().redispatch() && failed.usable()) {
            return failed;
        }
        return pick(backend, src, tried, true);
    }

    private static boolean skip(BackendContext backend, ServerRuntime s, List<ServerRuntime> tried, boolean avoidTried) {
        return backend.gate(s).full() || avoidTried && tried.contains(s);
    }
}
