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

    private static final ValueLayout.OfLong NATIVE_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

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

    /**
     * {@link #sum} for long regions (a segment's payload): 8 bytes per read in the machine's byte
     * order, then the folded 16-bit result swapped back, which RFC 1071 section 2(B) allows (the
     * ones' complement sum is byte-order independent up to a final swap). Measured about twice as
     * fast as {@link #sum} over 1,400 bytes; short headers keep using {@link #sum}.
     */
    public static long sumLong(MemorySegment s, long off, int len, long acc) {
        long a = 0;
        long b = 0;
        int i = 0;
        for (; i + 16 <= len; i += 16) { // two independent sums: the adds of one read overlap the next
            long v = s.get(NATIVE_LONG, off + i);
            long w = s.get(NATIVE_LONG, off + i + 8);
            a += (v >>> 32) + (v & 0xffff_ffffL); // < 2^33 per step: no overflow below 2^30 steps
            b += (w >>> 32) + (w & 0xffff_ffffL);
        }
        if (i + 8 <= len) {
            long v = s.get(NATIVE_LONG, off + i);
            a += (v >>> 32) + (v & 0xffff_ffffL);
            i += 8;
        }
        long wide = (a & 0xffff_ffffL) + (a >>> 32) + (b & 0xffff_ffffL) + (b >>> 32);
        wide = (wide & 0xffff_ffffL) + (wide >>> 32);
        wide = (wide & 0xffff) + (wide >>> 16);
        wide = (wide & 0xffff) + (wide >>> 16);
        wide = (wide & 0xffff) + (wide >>> 16);
        if (LITTLE_ENDIAN) {
            wide = ((wide & 0xff) << 8) | (wide >>> 8);
        }
        return sum(s, off + i, len - i, acc + wide); // i is even: the tail keeps 16-bit word alignment
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
