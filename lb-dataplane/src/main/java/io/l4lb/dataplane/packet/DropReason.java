package io.l4lb.dataplane.packet;

/** Why a frame was dropped; each has a counter in {@link EngineCounters}. */
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
    NO_SERVER,
    /** DR: the real server's MAC is not resolved yet. */
    NO_NEIGHBOR,
    /** Tunnel: larger than the MTU once encapsulated and DF is clear (no fragmentation here). */
    TOO_BIG,
    /** Tunnel: a GSO super-frame (GRO on the LB's ingress) that would have to be segmented first. */
    GSO_NOT_SEGMENTED,
    /** The frame buffer has less headroom than the outer IPv4 header needs. */
    NO_HEADROOM;

    static final DropReason[] VALUES = values();
}
