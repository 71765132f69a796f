package io.l4lb.dataplane.packet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why a frame was dropped; each has a counter in {@link EngineCounters}. Reasons marked
 * {@code perService} can only happen once the packet's virtual service is known, and are also
 * counted on that service's frontend ({@link VipCounters#drop}); the others (malformed headers, no
 * service on the VIP port) belong to no frontend and are counted engine-wide only.
 */
public enum DropReason {
    TRUNCATED_ETHERNET,
    TRUNCATED_IP,
    BAD_IP_VERSION,
    BAD_IHL,
    BAD_IP_LENGTH,
    BAD_IP_CHECKSUM,
    FRAGMENT,
    TRUNCATED_TCP,
    BAD_TCP_HEADER,
    TRUNCATED_UDP,
    TRUNCATED_ARP,
    /** The destination is a VIP but no service listens on that port/protocol. */
    NO_SERVICE,
    /** The service has no usable real server. */
    NO_SERVER(true),
    /** DR: the real server's MAC is not resolved yet. */
    NO_NEIGHBOR(true),
    /** Tunnel: larger than the MTU once encapsulated and DF is clear (no fragmentation here). */
    TOO_BIG(true),
    /**
     * Tunnel: a GSO super-frame the engine does not segment: not TCP (a UDP super-frame, from UDP
     * GSO or GRO fraglist). TCP super-frames (GRO on the LB's ingress, TSO of a local veth peer)
     * are segmented in software ({@code wire.TcpSegmenter}).
     */
    GSO_NOT_SEGMENTED(true),
    /**
     * Tunnel: a TCP super-frame whose PACKET_VNET_HDR checksum offload (csum_start/csum_offset)
     * does not point at its TCP checksum field: the header does not describe the packet.
     */
    BAD_GSO(true),
    /** The frame buffer has less headroom than the outer IPv4 header needs. */
    NO_HEADROOM(true);

    static final DropReason[] VALUES = values();
    /** The per-service reasons, in order; {@link #serviceIndex} indexes this list. */
    static final List<DropReason> PER_SERVICE;

    static {
        List<DropReason> l = new ArrayList<>();
        for (DropReason r : VALUES) {
            if (r.perService) {
                r.serviceIndex = l.size();
                l.add(r);
            }
        }
        PER_SERVICE = List.copyOf(l);
    }

    private final boolean perService;
    private int serviceIndex = -1;

    /** Engine-wide only (the default: a reason is per-service only when it says so). */
    DropReason() {
        this(false);
    }

    DropReason(boolean perService) {
        this.perService = perService;
    }

    /** Counted on the frontend too (the service was known when the packet was dropped). */
    public boolean perService() {
        return perService;
    }

    /** Index among {@link #PER_SERVICE}, or -1. */
    int serviceIndex() {
        return serviceIndex;
    }

    /** The stats label: lower snake case ({@code no_server}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Labels of the per-service reasons, in {@link #serviceIndex} order. */
    public static List<String> perServiceLabels() {
        return PER_SERVICE.stream().map(DropReason::label).toList();
    }
}
