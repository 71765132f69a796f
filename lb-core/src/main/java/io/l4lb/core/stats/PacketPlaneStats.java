package io.l4lb.core.stats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of the dr/tunnel packet plane as a whole (every worker, every service), as the admin
 * plane shows it ({@code /api/packet}, Prometheus {@code l4lb_packet_*} through
 * {@link StatsCatalogue#PACKET}). lb-core has no dependency on the packet engine: the wiring
 * converts the engine's counters into this record.
 *
 * @param dropped frames dropped, by reason label ({@code no_service}, {@code bad_ip_checksum}, ...),
 *                every reason present, zero included, in a stable order. Drops that happen before
 *                a packet's service is known (malformed headers, no service on that VIP port) are
 *                only here; the others are also counted on their frontend.
 */
public record PacketPlaneStats(long passed, long arpReplies, long fragNeededSent, long flowsScheduled,
                               long flowsRecovered, long flowsUntracked, Map<String, Long> dropped) {
    public PacketPlaneStats {
        dropped = Collections.unmodifiableMap(new LinkedHashMap<>(dropped));
    }

    public long droppedTotal() {
        long sum = 0;
        for (long v : dropped.values()) {
            sum += v;
        }
        return sum;
    }
}
