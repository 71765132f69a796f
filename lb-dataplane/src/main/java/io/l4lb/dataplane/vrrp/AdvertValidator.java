package io.l4lb.dataplane.vrrp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Strict receive-side checks of RFC 5798 §7.1 over a packet as a raw socket delivers it (IPv4
 * header first). {@link #validate} returns {@code null} and fills {@link Received} when the advert
 * may reach the state machine, else the {@link DropReason}. Order: IP header, TTL, version, type,
 * length, checksum, VRID, unknown peer, authentication, address count and list, interval.
 *
 * <p>Not thread-safe (the {@link VrrpAuth} replay window and the {@link Received} holder belong to
 * the VRRP thread). Allocation-free.
 */
public final class AdvertValidator {
    private final int vrid;
    private final int[] addresses;
    private final int[] unicastPeers;
    private final VrrpAuth auth;

    /** The fields of the last accepted advert (reused). */
    public static final class Received {
        public int source;
        public int destination;
        public int priority;
        public int intervalCs;
    }

    /**
     * @param unicastPeers empty for multicast; else only these sources are accepted
     * @param auth {@code null} without auth-key-file
     */
    public AdvertValidator(int vrid, int[] addresses, int[] unicastPeers, VrrpAuth auth) {
        this.vrid = vrid;
        this.addresses = addresses.clone();
        this.unicastPeers = unicastPeers.clone();
        this.auth = auth;
    }

    public DropReason validate(MemorySegment pkt, int len, Received out) {
        if (len < 20 || len > pkt.byteSize()) {
            return DropReason.IP_HEADER;
        }
        int vihl = pkt.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
        int ihl = (vihl & 0xF) * 4;
        int total = pkt.get(VrrpPacket.BE_SHORT, 2) & 0xFFFF;
        if ((vihl >>> 4) != 4 || ihl < 20 || total > len || total < ihl
                || (pkt.get(ValueLayout.JAVA_BYTE, 9) & 0xFF) != VrrpPacket.PROTOCOL) {
            return DropReason.IP_HEADER;
        }
        // §7.1: "MUST verify that the IPv4 TTL is 255" (the advert did not cross a router).
        if ((pkt.get(ValueLayout.JAVA_BYTE, 8) & 0xFF) != VrrpPacket.TTL) {
            return DropReason.TTL;
        }
        int src = pkt.get(VrrpPacket.BE_INT, 12);
        int dst = pkt.get(VrrpPacket.BE_INT, 16);
        int vrrpLen = total - ihl;
        if (vrrpLen < VrrpPacket.HEADER_LENGTH) {
            return DropReason.LENGTH;
        }
        long off = ihl;
        if (VrrpPacket.version(pkt, off) != VrrpPacket.VERSION) {
            return DropReason.VERSION;
        }
        if (VrrpPacket.type(pkt, off) != VrrpPacket.TYPE_ADVERTISEMENT) {
            return DropReason.TYPE;
        }
        int count = VrrpPacket.addressCount(pkt, off);
        int msgLen = VrrpPacket.length(count);
        int expected = msgLen + (auth == null ? 0 : VrrpAuth.TRAILER_LENGTH);
        if (vrrpLen != expected) {
            return auth != null && vrrpLen == msgLen ? DropReason.AUTH : DropReason.LENGTH;
        }
        if (VrrpPacket.checksum(pkt, off, msgLen, src, dst) != 0) {
            return DropReason.CHECKSUM;
        }
        if (VrrpPacket.vrid(pkt, off) != vrid) {
            return DropReason.VRID;
        }
        if (unicastPeers.length > 0 && !contains(unicastPeers, src)) {
            return DropReason.UNKNOWN_PEER;
        }
        if (auth != null) {
            DropReason r = auth.verify(pkt, off, msgLen, src, dst);
            if (r != null) {
                return r;
            }
        }
        if (count != addresses.length) {
            return DropReason.ADDRESS_COUNT;
        }
        for (int i = 0; i < count; i++) {
            if (!contains(addresses, VrrpPacket.address(pkt, off, i))) {
                return DropReason.ADDRESS_LIST;
            }
        }
        int interval = VrrpPacket.intervalCs(pkt, off);
        if (interval == 0) {
            return DropReason.INTERVAL;
        }
        out.source = src;
        out.destination = dst;
        out.priority = VrrpPacket.priority(pkt, off);
        out.intervalCs = interval;
        return null;
    }

    private static boolean contains(int[] set, int v) {
        for (int x : set) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
