package io.l4lb.dataplane.packet.decap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.l4lb.dataplane.packet.fixtures.FrameBuilder;
import io.l4lb.dataplane.packet.wire.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The receiver side of RFC 2003 on packets built field by field by {@link FrameBuilder}. */
class IpipDecapTest {
    private static final int CLIENT = Bytes.parseIpv4("192.0.2.7");
    private static final int VIP = Bytes.parseIpv4("203.0.113.10");
    private static final int LB = Bytes.parseIpv4("10.1.0.2");
    private static final int RS = Bytes.parseIpv4("10.1.0.11");

    private static byte[] inner(int dst) {
        byte[] tcp = FrameBuilder.tcp(CLIENT, dst, 40000, 80, 1, 0, 0x02, new byte[0]);
        return FrameBuilder.ipv4(0, 7, 0x4000, 64, 6, CLIENT, dst, new byte[0], tcp);
    }

    private static byte[] outer(int proto, byte[] options, byte[] payload) {
        return FrameBuilder.ipv4(0, 9, 0x4000, 64, proto, LB, RS, options, payload);
    }

    private static int offset(IpipDecap d, byte[] pkt) {
        return d.innerOffset(MemorySegment.ofArray(pkt), pkt.length);
    }

    @Test
    void stripsTheOuterHeaderAndKeepsTheInnerPacketByteForByte() {
        IpipDecap d = new IpipDecap(VIP);
        byte[] in = inner(VIP);
        byte[] pkt = outer(4, new byte[0], in);
        int off = offset(d, pkt);
        assertEquals(20, off);
        assertArrayEquals(in, Arrays.copyOfRange(pkt, off, pkt.length));
        byte[] withOptions = outer(4, new byte[] {1, 1, 1, 0}, in); // NOP NOP NOP EOL
        assertEquals(24, offset(d, withOptions));
        assertEquals(2, d.decapsulated());
        assertEquals(0, d.dropsTotal());
    }

    @Test
    void dropsWhatIsNotAnIpipPacketForOneOfOurVips() {
        IpipDecap d = new IpipDecap(VIP, Bytes.parseIpv4("203.0.113.11"));
        assertEquals(-1, offset(d, outer(4, new byte[0], inner(Bytes.parseIpv4("198.51.100.1")))));
        assertEquals(1, d.drops(IpipDecap.Reason.NOT_A_VIP));
        assertEquals(-1, offset(d, outer(17, new byte[0], inner(VIP))));
        assertEquals(1, d.drops(IpipDecap.Reason.NOT_IPIP));
        assertEquals(-1, offset(d, Arrays.copyOf(outer(4, new byte[0], inner(VIP)), 19)));
        assertEquals(1, d.drops(IpipDecap.Reason.TRUNCATED_OUTER));
        byte[] badIhl = outer(4, new byte[0], inner(VIP));
        badIhl[0] = 0x44; // IHL 4 words < 5
        assertEquals(-1, offset(d, badIhl));
        byte[] v6 = outer(4, new byte[0], inner(VIP));
        v6[0] = 0x65;
        assertEquals(-1, offset(d, v6));
        assertEquals(2, d.drops(IpipDecap.Reason.BAD_OUTER));
        assertEquals(-1, offset(d, outer(4, new byte[0], new byte[12])));
        assertEquals(1, d.drops(IpipDecap.Reason.TRUNCATED_INNER));
        byte[] lying = outer(4, new byte[0], inner(VIP));
        lying[20 + 3] += 4; // inner total length beyond the outer payload
        assertEquals(-1, offset(d, lying));
        assertEquals(1, d.drops(IpipDecap.Reason.BAD_INNER));
        byte[] shortRead = outer(4, new byte[0], inner(VIP));
        assertEquals(-1, d.innerOffset(MemorySegment.ofArray(shortRead), shortRead.length - 1));
        assertEquals(3, d.drops(IpipDecap.Reason.BAD_OUTER));
        assertEquals(0, d.decapsulated());
    }

    @Test
    void needsAVip() {
        assertThrows(IllegalArgumentException.class, IpipDecap::new);
    }
}
