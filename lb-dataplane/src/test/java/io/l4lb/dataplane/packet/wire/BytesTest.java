package io.l4lb.dataplane.packet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.l4lb.dataplane.packet.fixtures.FrameBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class BytesTest {
    /** The IPv4 header example of the Wikipedia "Internet checksum" article: checksum 0xb861. */
    private static final byte[] WIKI_HEADER = FrameBuilder.hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");

    private static MemorySegment segment(byte[] b, int at) {
        MemorySegment s = Arena.ofAuto().allocate(b.length + at + 3);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, at, b.length);
        return s;
    }

    @Test
    void engineChecksumMatchesKnownValueAtOddOffset() {
        assertEquals(0xb861, Bytes.checksum(segment(WIKI_HEADER, 0), 0, 20));
        assertEquals(0xb861, Bytes.checksum(segment(WIKI_HEADER, 7), 7, 20));
    }

    @Test
    void fixtureChecksumMatchesKnownValue() {
        assertEquals(0xb861, FrameBuilder.checksum(WIKI_HEADER, 0, 20));
    }

    @Test
    void aCorrectHeaderSumsToZero() {
        byte[] h = WIKI_HEADER.clone();
        h[10] = (byte) 0xb8;
        h[11] = 0x61;
        assertEquals(0, Bytes.checksum(segment(h, 1), 1, 20));
    }

    @Test
    void oddLengthsPadWithZero() {
        byte[] b = {0x01, 0x02, 0x03};
        // 0x0102 + 0x0300 = 0x0402 -> ~ = 0xfbfd
        assertEquals(0xfbfd, Bytes.checksum(segment(b, 0), 0, 3));
        assertEquals(0xfbfd, FrameBuilder.checksum(b, 0, 3));
        byte[] five = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
        assertEquals(FrameBuilder.checksum(five, 0, 5), Bytes.checksum(segment(five, 2), 2, 5));
    }

    @Test
    void macRoundTripsAtOddOffsets() {
        MemorySegment s = Arena.ofAuto().allocate(16);
        long mac = Bytes.parseMac("de:ad:be:ef:00:01");
        Bytes.putMac(s, 3, mac);
        assertEquals(mac, Bytes.mac(s, 3));
        assertEquals((byte) 0xde, s.get(ValueLayout.JAVA_BYTE, 3));
        assertEquals((byte) 0x01, s.get(ValueLayout.JAVA_BYTE, 8));
    }

    @Test
    void parsesAndPrintsAddresses() {
        assertEquals(0xc0a80001, Bytes.parseIpv4("192.168.0.1"));
        assertEquals("192.168.0.1", Bytes.ipv4(0xc0a80001));
        assertThrows(IllegalArgumentException.class, () -> Bytes.parseIpv4("1.2.3"));
        assertThrows(IllegalArgumentException.class, () -> Bytes.parseIpv4("1.2.3.256"));
        assertThrows(IllegalArgumentException.class, () -> Bytes.parseMac("01:02"));
    }

    /** The wide, byte-swapped sum agrees with the fixture builder's plain RFC 1071 code, at odd offsets and lengths too. */
    @Test
    void wideSumAgreesWithThePlainChecksum() {
        java.util.Random r = new java.util.Random(11);
        for (int n = 0; n < 400; n++) {
            int len = n < 100 ? n : r.nextInt(9000);
            int at = r.nextInt(16);
            byte[] b = new byte[len];
            r.nextBytes(b);
            if (n % 7 == 0) {
                java.util.Arrays.fill(b, (byte) 0xff); // carries everywhere
            }
            MemorySegment s = segment(b, at);
            long acc = r.nextInt(1 << 20);
            int expected = FrameBuilder.checksum(concat(acc, b), 0, 4 + len);
            assertEquals(expected, Bytes.finish(Bytes.sumLong(s, at, len, acc)), "len " + len + " at " + at);
            assertEquals(expected, Bytes.finish(Bytes.sum(s, at, len, acc)), "len " + len + " at " + at);
        }
    }

    /** {@code acc} folded to 32 bits as two leading 16-bit words, then {@code b}. */
    private static byte[] concat(long acc, byte[] b) {
        long a = (acc & 0xffff) + (acc >>> 16);
        byte[] head = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        return FrameBuilder.concat(head, b);
    }
}
