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
 *
 * <p>Reload: {@link #next} builds the context of the backend's new settings. The gates (slots,
 * queues, live sessions of each server) are shared with it, so limits stay exact across the swap;
 * the persist table is kept when {@code persist} did not change. A session keeps the context it
 * was routed with, hence the settings it started with (retries, redispatch, timeouts...).
 */
final class BackendContext {
    private final BackendRuntime runtime;
    /** ServerRuntime has identity equality; concurrent because servers may be added at run time. */
    private final Map<ServerRuntime, ServerGate> gates;
    /** The settings this context was built with; {@code runtime.config()} may be newer. */
    private final BackendConfig config;
    private final PersistenceTable persistence;
    private final int connectTimeoutMillis;
    private final long queueTimeoutNanos;

    BackendContext(BackendRuntime runtime, NanoClock clock) {
        this(runtime, runtime.config(), new java.util.concurrent.ConcurrentHashMap<>(), null, clock);
    }

    private BackendContext(BackendRuntime runtime, BackendConfig c, Map<ServerRuntime, ServerGate> gates,
                           BackendContext previous, NanoClock clock) {
        this.runtime = runtime;
        this.config = c;
        this.gates = gates;
        for (ServerRuntime s : runtime.servers()) {
            gates.computeIfAbsent(s, ServerGate::new);
        }
        boolean persistOn = c.persist() != null && !c.persist().isZero();
        this.persistence = !persistOn ? null
                : previous != null && previous.persistence != null && c.persist().equals(previous.config.persist())
                ? previous.persistence : new PersistenceTable(c.persist().toNanos(), clock);
        Duration connect = c.timeouts().connect();
        this.connectTimeoutMillis = connect == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, connect.toMillis()));
        // HAProxy: "timeout queue" defaults to "timeout connect".
        Duration queue = c.timeouts().queue() != null ? c.timeouts().queue() : connect;
        this.queueTimeoutNanos = queue == null ? 0 : queue.toNanos();
        // on-marked-down shutdown-sessions / on-marked-up shutdown-backup-sessions close our sessions.
        runtime.setSessionTerminator(new SessionShutdown(this));
    }

    /** Reload: the context of the runtime's current settings, sharing this one's gates. */
    BackendContext next(NanoClock clock) {
        // Gates of servers removed since are dropped; a live session still holds its own gate.
        // (ServerRuntime equality is identity.)
        java.util.List<ServerRuntime> now = runtime.servers();
        gates.keySet().removeIf(s -> !now.contains(s));
        return new BackendContext(runtime, runtime.config(), gates, this, clock);
    }

    BackendRuntime runtime() {
        return runtime;
    }

    /** The settings this context was built with (a later reload does not change them). */
    BackendConfig config() {
        return config;
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
