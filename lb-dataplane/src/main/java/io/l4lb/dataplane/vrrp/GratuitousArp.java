package io.l4lb.dataplane.vrrp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A gratuitous ARP request (RFC 5227 §3 "ARP Announcement", RFC 5798 §6.4.1 (2)): broadcast
 * Ethernet frame, sender = target = the VIP, sender MAC = the interface's MAC, so every neighbour
 * holding an entry for the VIP updates it. Padded to the 60-byte Ethernet minimum.
 */
public final class GratuitousArp {
    public static final int FRAME_LENGTH = 60;
    public static final int ETHERTYPE_ARP = 0x0806;

    private GratuitousArp() {
    }

    public static int write(MemorySegment frame, byte[] mac, int vip) {
        frame.asSlice(0, FRAME_LENGTH).fill((byte) 0);
        for (int i = 0; i < 6; i++) {
            frame.set(ValueLayout.JAVA_BYTE, i, (byte) 0xFF);
            frame.set(ValueLayout.JAVA_BYTE, 6 + i, mac[i]);
            frame.set(ValueLayout.JAVA_BYTE, 22 + i, mac[i]);      // sender hardware address
        }
        frame.set(VrrpPacket.BE_SHORT, 12, (short) ETHERTYPE_ARP);
        frame.set(VrrpPacket.BE_SHORT, 14, (short) 1);             // htype Ethernet
        frame.set(VrrpPacket.BE_SHORT, 16, (short) 0x0800);        // ptype IPv4
        frame.set(ValueLayout.JAVA_BYTE, 18, (byte) 6);
        frame.set(ValueLayout.JAVA_BYTE, 19, (byte) 4);
        frame.set(VrrpPacket.BE_SHORT, 20, (short) 1);             // op request
        frame.set(VrrpPacket.BE_INT, 28, vip);                     // sender protocol address
        frame.set(VrrpPacket.BE_INT, 38, vip);                     // target protocol address; target MAC zero
        return FRAME_LENGTH;
    }
}
