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
    /**
     * Tunnel: a GSO super-frame the engine does not segment: not TCP (a UDP super-frame, from UDP
     * GSO or GRO fraglist). TCP super-frames (GRO on the LB's ingress, TSO of a local veth peer)
     * are segmented in software ({@code wire.TcpSegmenter}).
     */
    GSO_NOT_SEGMENTED,
    /**
     * Tunnel: a TCP super-frame whose PACKET_VNET_HDR checksum offload (csum_start/csum_offset)
     * does not point at its TCP checksum field: the header does not describe the packet.
     */
    BAD_GSO,
    /** The frame buffer has less headroom than the outer IPv4 header needs. */
    NO_HEADROOM;

    static final DropReason[] VALUES = values();
}
