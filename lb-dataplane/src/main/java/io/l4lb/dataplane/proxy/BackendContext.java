package io.l4lb.dataplane.proxy;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.time.NanoClock;
import java.time.Duration;
import java.util.Map;

/**
 * What the proxy keeps per backend next to its {@link BackendRuntime}: one {@link ServerGate} per
 * server (maxconn + queue), the {@code persist} table, and the backend's connect/queue timeouts.
 * Shared by every frontend that routes to the backend; immutable after construction.
 */
final class BackendContext {
    private final BackendRuntime runtime;
    /** ServerRuntime has identity equality; concurrent because servers may be added at run time. */
    private final Map<ServerRuntime, ServerGate> gates = new java.util.concurrent.ConcurrentHashMap<>();
    private final PersistenceTable persistence;
    private final int connectTimeoutMillis;
    private final long queueTimeoutNanos;

    BackendContext(BackendRuntime runtime, NanoClock clock) {
        this.runtime = runtime;
        for (ServerRuntime s : runtime.servers()) {
            gates.put(s, new ServerGate(s));
        }
        BackendConfig c = runtime.config();
        this.persistence = c.persist() == null || c.persist().isZero() ? null
                : new PersistenceTable(c.persist().toNanos(), clock);
        Duration connect = c.timeouts().connect();
        this.connectTimeoutMillis = connect == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, connect.toMillis()));
        // HAProxy: "timeout queue" defaults to "timeout connect".
        Duration queue = c.timeouts().queue() != null ? c.timeouts().queue() : connect;
        this.queueTimeoutNanos = queue == null ? 0 : queue.toNanos();
        // on-marked-down shutdown-sessions / on-marked-up shutdown-backup-sessions close our sessions.
        runtime.setSessionTerminator(new SessionShutdown(this));
    }

    BackendRuntime runtime() {
        return runtime;
    }

    BackendConfig config() {
        return runtime.config();
    }

    /** A server added at run time (admin API, reload) gets its gate on first use. */
    ServerGate gate(ServerRuntime s) {
        ServerGate g = gates.get(s);
        return g != null ? g : gates.computeIfAbsent(s, ServerGate::new);
    }

    /** The gate of a server that took connections here, or null (no live session to close). */
    ServerGate existingGate(ServerRuntime s) {
        return gates.get(s);
    }

    /** Null when {@code persist} is off. */
    PersistenceTable persistence() {
        return persistence;
    }

    /** 0 = no connect timeout (the kernel's SYN retries decide). */
    int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /** 0 = a queued connection waits without limit. */
    long queueTimeoutNanos() {
        return queueTimeoutNanos;
    }
}
