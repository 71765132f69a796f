package io.l4lb.dataplane.proxy;

import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.time.NanoClock;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code persist T}: source-IP affinity (LVS {@code ipvsadm -p}). A client address keeps the server
 * it was last sent to while that server is usable and the entry was used within T. Entries are
 * refreshed on every new connection and swept lazily. Thread-safe.
 */
final class PersistenceTable {
    private record Entry(ServerRuntime server, long expiresAt) {}

    private final long ttlNanos;
    private final NanoClock clock;
    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger puts = new AtomicInteger();

    PersistenceTable(long ttlNanos, NanoClock clock) {
        this.ttlNanos = ttlNanos;
        this.clock = clock;
    }

    /** The remembered server if still usable and not expired, else null. */
    ServerRuntime lookup(InetAddress client) {
        Entry e = entries.get(client);
        if (e == null) {
            return null;
        }
        if (clock.nanoTime() - e.expiresAt >= 0 || !e.server.usable()) {
            entries.remove(client, e);
            return null;
        }
        return e.server;
    }

    void remember(InetAddress client, ServerRuntime server) {
        long now = clock.nanoTime();
        entries.put(client, new Entry(server, now + ttlNanos));
        if ((puts.incrementAndGet() & 1023) == 0) {
            entries.values().removeIf(e -> now - e.expiresAt >= 0);
        }
    }

    int size() {
        return entries.size();
    }
}
