package io.l4lb.dataplane.vrrp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Builds IPv4 packets carrying adverts, as a raw socket would deliver them. */
final class TestAdverts {
    static final int IP_HEADER = 20;

    private TestAdverts() {
    }

    /** IPv4 header (TTL 255, protocol 112) + advert (+ HMAC trailer when auth is given); returns the total length. */
    static int build(byte[] buf, int src, int dst, int vrid, int prio, int cs, int[] vips, VrrpAuth auth) {
        return build(MemorySegment.ofArray(buf), src, dst, vrid, prio, cs, vips, auth);
    }

    static int build(MemorySegment s, int src, int dst, int vrid, int prio, int cs, int[] vips, VrrpAuth auth) {
        int len = VrrpPacket.encode(s, IP_HEADER, vrid, prio, cs, vips, src, dst);
        if (auth != null) {
            auth.sign(s, IP_HEADER, len, src, dst);
            len += VrrpAuth.TRAILER_LENGTH;
        }
        int total = IP_HEADER + len;
        s.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x45);
        s.set(VrrpPacket.BE_SHORT, 2, (short) total);
        s.set(ValueLayout.JAVA_BYTE, 8, (byte) 255);
        s.set(ValueLayout.JAVA_BYTE, 9, (byte) 112);
        s.set(VrrpPacket.BE_INT, 12, src);
        s.set(VrrpPacket.BE_INT, 16, dst);
        return total;
    }

    /** Recomputes the VRRP checksum after a test changed the message (as a forger would). */
    static void fixChecksum(byte[] buf, int msgLen) {
        MemorySegment s = MemorySegment.ofArray(buf);
        VrrpPacket.rewriteChecksum(s, IP_HEADER, msgLen, s.get(VrrpPacket.BE_INT, 12), s.get(VrrpPacket.BE_INT, 16));
    }
}
