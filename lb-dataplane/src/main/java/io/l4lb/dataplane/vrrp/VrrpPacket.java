package io.l4lb.dataplane.vrrp;

import io.l4lb.dataplane.packet.wire.Bytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The VRRPv3 advertisement for IPv4 (RFC 5798 §5.1):
 *
 * <pre>
 *  0                   1                   2                   3
 *  |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
 *  |(rsvd) |     Max Adver Int     |          Checksum             |
 *  |                      IPvX Address(es) ...                     |
 * </pre>
 *
 * Max Adver Int is 12 bits of centiseconds. The checksum (§5.2.8) is the 16-bit one's
 * complement of the one's complement sum of the whole VRRP message plus the IPv4 pseudo-header
 * (source, destination, zero, protocol 112, VRRP length). For unicast the destination is the
 * peer's address, so each peer gets its own checksum (as keepalived does).
 *
 * <p>Fields sit at odd offsets: every access uses the unaligned big-endian layouts. Pure static
 * code over caller-owned segments; allocation-free.
 */
public final class VrrpPacket {
    public static final int VERSION = 3;
    public static final int TYPE_ADVERTISEMENT = 1;
    public static final int HEADER_LENGTH = 8;
    public static final int PROTOCOL = 112;
    public static final int TTL = 255;
    /** 224.0.0.18, the VRRP IPv4 multicast group (§5.1.1.2). */
    public static final int MULTICAST_GROUP = 0xE0000012;
    /** Max Adver Int is 12 bits (§5.2.7). */
    public static final int MAX_INTERVAL_CS = 0xFFF;
    public static final int PRIORITY_OWNER = 255;
    public static final int PRIORITY_STOP = 0;

    static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private VrrpPacket() {
    }

    public static int length(int addressCount) {
        return HEADER_LENGTH + 4 * addressCount;
    }

    /**
     * Writes an advertisement at {@code off} (checksum included) and returns its length.
     *
     * @param src the sender's primary address (pseudo-header source)
     * @param dst 224.0.0.18 or the unicast peer (pseudo-header destination)
     */
    public static int encode(MemorySegment buf, long off, int vrid, int priority, int intervalCs,
                             int[] addresses, int src, int dst) {
        buf.set(ValueLayout.JAVA_BYTE, off, (byte) ((VERSION << 4) | TYPE_ADVERTISEMENT));
        buf.set(ValueLayout.JAVA_BYTE, off + 1, (byte) vrid);
        buf.set(ValueLayout.JAVA_BYTE, off + 2, (byte) priority);
        buf.set(ValueLayout.JAVA_BYTE, off + 3, (byte) addresses.length);
        buf.set(BE_SHORT, off + 4, (short) (intervalCs & MAX_INTERVAL_CS));
        buf.set(BE_SHORT, off + 6, (short) 0);
        for (int i = 0; i < addresses.length; i++) {
            buf.set(BE_INT, off + HEADER_LENGTH + 4L * i, addresses[i]);
        }
        int len = length(addresses.length);
        buf.set(BE_SHORT, off + 6, (short) checksum(buf, off, len, src, dst));
        return len;
    }

    /** Rewrites only the checksum for another destination (unicast to several peers). */
    public static void rewriteChecksum(MemorySegment buf, long off, int len, int src, int dst) {
        buf.set(BE_SHORT, off + 6, (short) 0);
        buf.set(BE_SHORT, off + 6, (short) checksum(buf, off, len, src, dst));
    }

    /**
     * RFC 1071 checksum of the pseudo-header and {@code len} bytes at {@code off}. Over a message
     * that carries its checksum the result is 0.
     */
    public static int checksum(MemorySegment buf, long off, int len, int src, int dst) {
        long pseudo = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + PROTOCOL + len;
        return Bytes.finish(Bytes.sum(buf, off, len, pseudo));
    }

    public static int version(MemorySegment b, long off) {
        return (b.get(ValueLayout.JAVA_BYTE, off) >>> 4) & 0xF;
    }

    public static int type(MemorySegment b, long off) {
        return b.get(ValueLayout.JAVA_BYTE, off) & 0xF;
    }

    public static int vrid(MemorySegment b, long off) {
        return b.get(ValueLayout.JAVA_BYTE, off + 1) & 0xFF;
    }

    public static int priority(MemorySegment b, long off) {
        return b.get(ValueLayout.JAVA_BYTE, off + 2) & 0xFF;
    }

    public static int addressCount(MemorySegment b, long off) {
        return b.get(ValueLayout.JAVA_BYTE, off + 3) & 0xFF;
    }

    public static int intervalCs(MemorySegment b, long off) {
        return b.get(BE_SHORT, off + 4) & MAX_INTERVAL_CS;
    }

    public static int address(MemorySegment b, long off, int i) {
        return b.get(BE_INT, off + HEADER_LENGTH + 4L * i);
    }
}
