package io.l4lb.dataplane.packet.io;

import io.l4lb.dataplane.packet.Frame;
import io.l4lb.dataplane.packet.Verdict;

/**
 * Where a packet worker gets frames and sends its output. The AF_PACKET implementation (TPACKET_V3
 * receive ring, PACKET_VNET_HDR, PACKET_FANOUT_HASH, raw IP socket for IPIP) sits behind this
 * interface; {@link InMemoryPacketIo} serves tests and benchmarks.
 *
 * <p>Threading: one instance per worker, called from that worker's thread only.
 */
public interface PacketIo extends AutoCloseable {
    /**
     * Fills {@code frames[0..n)} with received Ethernet frames (their previous content is gone).
     *
     * @return n, 0 when nothing arrived
     */
    int receive(Frame[] frames);

    /**
     * Sends the frame as it stands: an Ethernet frame, or an IPv4 packet ({@link Frame#kind()}).
     * {@code verdict} tells a DR frame (offload state of the received frame still valid) from a
     * reply the engine built. The frame's bytes are the caller's again when this returns (the
     * segments of a GSO super-frame are written one after the other over the bytes sent before).
     */
    void send(Frame frame, Verdict verdict);

    @Override
    void close();
}
