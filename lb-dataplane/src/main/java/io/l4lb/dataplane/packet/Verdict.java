package io.l4lb.dataplane.packet;

/** What the engine decided for one frame; the worker acts on it (send, hand to kernel, forget). */
public enum Verdict {
    /** Ethernet frame with destination MAC := real server's, source MAC := LB's; nothing above L2 touched. */
    DR_FORWARD,
    /** IPv4 packet wrapped in an outer IPv4 header (protocol 4); the frame now starts at the outer header. */
    TUNNEL_FORWARD,
    /**
     * A TCP GSO super-frame to a tunnel service, segmented in software: the frame holds the first
     * IPIP segment; after sending it the worker calls {@link PacketEngine#nextSegment} and sends
     * again until that returns false. Each segment is sent like a {@link #TUNNEL_FORWARD} packet.
     */
    TUNNEL_SEGMENTS,
    /** An Ethernet frame answering the sender (ARP reply, ICMP fragmentation needed), built in place. */
    REPLY,
    /** Not for a VIP: the kernel has its own copy and handles it. */
    PASS,
    /** Dropped; {@link Frame#dropReason()} says why and the reason counter was incremented. */
    DROP
}
