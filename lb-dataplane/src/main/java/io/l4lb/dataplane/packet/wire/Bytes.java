package io.l4lb.dataplane.packet.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Network-order field access over a {@link MemorySegment}. Header fields sit at odd offsets (an
 * IPv4 header after a 14-byte Ethernet header), so every layout is the unaligned big-endian one.
 * Addresses are carried as {@code int} (IPv4) and {@code long} (48-bit MAC) so the hot path never
 * allocates.
 */
public final class Bytes {
    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** A MAC address value no real interface has: marks "not resolved yet". */
    public static final long NO_MAC = -1L;

    private Bytes() {
    }

    public static int u8(MemorySegment s, long off) {
        return s.get(U8, off) & 0xff;
    }

    public static int u16(MemorySegment s, long off) {
        return s.get(U16, off) & 0xffff;
    }

    public static int i32(MemorySegment s, long off) {
        return s.get(U32, off);
    }

    public static void put8(MemorySegment s, long off, int v) {
        s.set(U8, off, (byte) v);
    }

    public static void put16(MemorySegment s, long off, int v) {
        s.set(U16, off, (short) v);
    }

    public static void put32(MemorySegment s, long off, int v) {
        s.set(U32, off, v);
    }

    /** The 48-bit MAC at {@code off} as the low bits of a long. */
    public static long mac(MemorySegment s, long off) {
        return ((long) u16(s, off) << 32) | (i32(s, off + 2) & 0xffff_ffffL);
    }

    public static void putMac(MemorySegment s, long off, long mac) {
        s.set(U16, off, (short) (mac >>> 32));
        s.set(U32, off + 2, (int) mac);
    }

    /**
     * RFC 1071 Internet checksum: the ones' complement of the ones' complement sum of the 16-bit
     * words of {@code [off, off+len)}, folded into 16 bits. A region that already holds a correct
     * checksum field sums to 0 here.
     */
    public static int checksum(MemorySegment s, long off, int len) {
        return finish(sum(s, off, len, 0));
    }

    /** Partial ones' complement sum (unfolded) for checksums over several regions. */
    public static long sum(MemorySegment s, long off, int len, long acc) {
        long sum = acc;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            sum += i32(s, off + i) & 0xffff_ffffL;
        }
        if (i + 2 <= len) {
            sum += u16(s, off + i);
            i += 2;
        }
        if (i < len) {
            sum += u8(s, off + i) << 8;
        }
        return sum;
    }

    /** Folds a partial sum to 16 bits and complements it. */
    public static int finish(long sum) {
        long s = (sum & 0xffff_ffffL) + (sum >>> 32);
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return (int) (~s & 0xffff);
    }

    /** Dotted-quad text of an IPv4 address held in an int (logs and errors only). */
    public static String ipv4(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    /** Parses a dotted-quad IPv4 literal into an int. */
    public static int parseIpv4(String text) {
        String[] p = text.split("\\.", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int a = 0;
        for (String part : p) {
            int v = Integer.parseInt(part);
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            a = (a << 8) | v;
        }
        return a;
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} into the low 48 bits of a long. */
    public static long parseMac(String text) {
        String[] p = text.split(":", -1);
        if (p.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long m = 0;
        for (String part : p) {
            m = (m << 8) | Integer.parseInt(part, 16);
        }
        return m;
    }
}
