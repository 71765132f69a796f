package io.l4lb.dataplane.packet;

import java.lang.foreign.MemorySegment;

/**
 * One frame buffer, reused for every packet it carries (no allocation per packet). The frame is
 * {@code [start, start + length)} of {@link #segment()}; the engine rewrites it in place and moves
 * {@code start}/{@code length} when the output is longer or shorter (an IPIP outer header takes 20
 * bytes in front of the IP header, inside the 14-byte Ethernet header plus {@link #HEADROOM}).
 *
 * <p>Ownership: a frame belongs to one worker thread between {@code receive} and {@code send}.
 */
public final class Frame {
    /** Bytes kept free before the frame so encapsulation never copies the payload. */
    public static final int HEADROOM = 64;

    /** What the bytes at {@code start} are. */
    public enum Kind { ETHERNET, IPV4 }

    private MemorySegment segment;
    private int start;
    private int length;
    private int gsoSize;
    private Kind kind = Kind.ETHERNET;
    private DropReason dropReason;
    private int csumStart = -1;
    private int csumOffset;

    public Frame(MemorySegment segment) {
        this.segment = segment;
    }

    /** A frame over a fresh native buffer of {@code capacity} bytes after {@link #HEADROOM}. */
    public static Frame allocate(java.lang.foreign.Arena arena, int capacity) {
        return new Frame(arena.allocate(HEADROOM + capacity, 8));
    }

    /** Copies {@code bytes} in as a new received Ethernet frame after the headroom. */
    public Frame load(byte[] bytes) {
        if (HEADROOM + bytes.length > segment.byteSize()) {
            throw new IllegalArgumentException("frame of " + bytes.length + " bytes exceeds buffer " + segment.byteSize());
        }
        MemorySegment.copy(bytes, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, HEADROOM, bytes.length);
        reset(HEADROOM, bytes.length, 0);
        return this;
    }

    /**
     * Points the frame at another buffer (a slot of a TPACKET_V3 ring, whose PACKET_RESERVE gives the
     * headroom) holding a received Ethernet frame at {@code [start, start+length)}.
     */
    public void reset(MemorySegment buffer, int start, int length, int gsoSize) {
        this.segment = buffer;
        reset(start, length, gsoSize);
    }

    /** Marks {@code [start, start+length)} as a received Ethernet frame (used by packet I/O). */
    public void reset(int start, int length, int gsoSize) {
        this.start = start;
        this.length = length;
        this.gsoSize = gsoSize;
        this.kind = Kind.ETHERNET;
        this.dropReason = null;
        this.csumStart = -1;
    }

    /**
     * The L4 checksum is left to offload (virtio_net_hdr VIRTIO_NET_HDR_F_NEEDS_CSUM, i.e.
     * CHECKSUM_PARTIAL): the field at {@code start + offset} holds only the pseudo-header sum and
     * the ones' complement of {@code [start, end)} must still be stored there. Offsets count from
     * the frame start.
     */
    public void checksumOffload(int start, int offset) {
        this.csumStart = start;
        this.csumOffset = offset;
    }

    /** Offset of the checksummed region when the checksum is still to be completed, else -1. */
    public int csumStart() {
        return csumStart;
    }

    public int csumOffset() {
        return csumOffset;
    }

    public MemorySegment segment() {
        return segment;
    }

    public int start() {
        return start;
    }

    public int length() {
        return length;
    }

    /** virtio_net_hdr gso_size of a GSO super-frame (PACKET_VNET_HDR), 0 for a plain frame. */
    public int gsoSize() {
        return gsoSize;
    }

    public Kind kind() {
        return kind;
    }

    public DropReason dropReason() {
        return dropReason;
    }

    void output(int newStart, int newLength, Kind newKind) {
        this.start = newStart;
        this.length = newLength;
        this.kind = newKind;
    }

    void dropped(DropReason r) {
        this.dropReason = r;
    }

    /** The current frame bytes (tests and the in-memory I/O; allocates). */
    public byte[] toBytes() {
        return segment.asSlice(start, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }
}
