package io.l4lb.core.stats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one VRRP instance as the admin plane shows it (JSON API, {@code l4lb ctl show vrrp},
 * Prometheus through {@link StatsCatalogue#VRRP}). lb-core has no dependency on the VRRP engine:
 * the wiring converts the engine's status into this record.
 *
 * @param state   {@code INITIALIZE}, {@code BACKUP} or {@code MASTER} (RFC 5798 section 6.4)
 * @param dropped received adverts discarded, by reason label ({@code ttl}, {@code checksum}, ...),
 *                in a stable order; every reason is present, zero included
 */
public record VrrpStats(String name, String interfaceName, int vrid, String state, int priority,
                        int configuredPriority, long transitions, long advertsSent, long advertsReceived,
                        long advertsLate, long garpSent, Map<String, Long> dropped) {
    public VrrpStats {
        dropped = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dropped));
    }

    /** keepalived's exporter encoding: 0 init, 1 backup, 2 master (3, fault, does not exist here). */
    public long stateCode() {
        return switch (state) {
            case "MASTER" -> 2;
            case "BACKUP" -> 1;
            default -> 0;
        };
    }

    public long droppedTotal() {
        long sum = 0;
        for (long v : dropped.values()) {
            sum += v;
        }
        return sum;
    }
}
