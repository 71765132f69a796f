package io.l4lb.dataplane.vrrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.l4lb.dataplane.nativeio.Ipv4;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Golden bytes of VRRPv3 adverts (computed independently with a Python RFC 1071 implementation). */
class VrrpPacketTest {
    private static byte[] encode(int vrid, int prio, int cs, String[] vips, String src, String dst) {
        byte[] buf = new byte[64];
        int[] a = new int[vips.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = Ipv4.parse(vips[i]);
        }
        int len = VrrpPacket.encode(MemorySegment.ofArray(buf), 0, vrid, prio, cs, a, Ipv4.parse(src), Ipv4.parse(dst));
        return java.util.Arrays.copyOf(buf, len);
    }

    @Test
    void multicastAdvertMatchesGoldenBytes() {
        byte[] got = encode(51, 100, 100, new String[] {"192.168.1.100"}, "192.168.1.1", "224.0.0.18");
        assertArrayEquals(HexFormat.of().parseHex("3133640100640622c0a80164"), got);
    }

    @Test
    void unicastAdvertUsesThePeerInThePseudoHeader() {
        byte[] got = encode(7, 255, 1, new String[] {"10.0.0.100", "10.0.0.101"}, "10.0.0.1", "10.0.0.2");
        assertArrayEquals(HexFormat.of().parseHex("3107ff020001a6a80a0000640a000065"), got);
        // Another destination changes only the checksum.
        MemorySegment seg = MemorySegment.ofArray(got);
        VrrpPacket.rewriteChecksum(seg, 0, got.length, Ipv4.parse("10.0.0.1"), Ipv4.parse("10.0.0.3"));
        assertEquals(0, VrrpPacket.checksum(seg, 0, got.length, Ipv4.parse("10.0.0.1"), Ipv4.parse("10.0.0.3")));
        assertEquals(0xa6a8 - 1, ((got[6] & 0xff) << 8) | (got[7] & 0xff));
    }

    @Test
    void fieldsReadBack() {
        byte[] got = encode(200, 1, 4095, new String[] {"1.2.3.4"}, "1.1.1.1", "224.0.0.18");
        MemorySegment s = MemorySegment.ofArray(got);
        assertEquals(3, VrrpPacket.version(s, 0));
        assertEquals(1, VrrpPacket.type(s, 0));
        assertEquals(200, VrrpPacket.vrid(s, 0));
        assertEquals(1, VrrpPacket.priority(s, 0));
        assertEquals(1, VrrpPacket.addressCount(s, 0));
        assertEquals(4095, VrrpPacket.intervalCs(s, 0));
        assertEquals(Ipv4.parse("1.2.3.4"), VrrpPacket.address(s, 0, 0));
        assertEquals(0, VrrpPacket.checksum(s, 0, got.length, Ipv4.parse("1.1.1.1"), Ipv4.parse("224.0.0.18")));
    }

    @Test
    void gratuitousArpFrame() {
        byte[] f = new byte[GratuitousArp.FRAME_LENGTH];
        byte[] mac = HexFormat.of().parseHex("020000aabbcc");
        GratuitousArp.write(MemorySegment.ofArray(f), mac, Ipv4.parse("10.0.0.100"));
        assertEquals("ffffffffffff020000aabbcc0806" + "0001080006040001" + "020000aabbcc0a000064"
                + "0000000000000a000064", HexFormat.of().formatHex(f, 0, 42));
    }
}
