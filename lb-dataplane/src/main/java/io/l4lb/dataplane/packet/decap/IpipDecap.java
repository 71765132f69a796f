package io.l4lb.dataplane.packet.decap;

import io.l4lb.dataplane.packet.wire.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The pure half of the user-space IPIP decapsulator (RFC 2003 §3, receiver side): given a packet
 * as a raw IPv4 socket for protocol 4 delivers it (outer IPv4 header first), find the inner IPv4
 * packet and decide whether it may be handed to the local stack.
 *
 * <p>Accepted: outer IPv4 with a sane IHL and total length, protocol 4; inner IPv4 whose header
 * fits, whose total length equals what follows the outer header, and whose destination is one of
 * the configured VIPs (an open decapsulator would let anyone inject packets from any source
 * address into this host). Outer fragments never reach us: the kernel reassembles before raw
 * delivery. Everything else is counted by {@link Reason} and dropped.
 *
 * <p>Threading: immutable apart from the counters, which belong to the one decap thread.
 */
public final class IpipDecap {
    /** Why a packet was not decapsulated. */
    public enum Reason { TRUNCATED_OUTER, BAD_OUTER, NOT_IPIP, TRUNCATED_INNER, BAD_INNER, NOT_A_VIP }

    private final int[] vips;
    private final long[] drops = new long[Reason.values().length];
    private long decapsulated;

    public IpipDecap(int... vips) {
        if (vips.length == 0) {
            throw new IllegalArgumentException("at least one VIP is needed");
        }
        this.vips = vips.clone();
        Arrays.sort(this.vips);
    }

    /**
     * The offset of the inner packet in {@code pkt[0, len)} (its length is {@code len - offset}),
     * or -1 when the packet is dropped (counted).
     */
    public int innerOffset(MemorySegment pkt, int len) {
        if (len < 20) {
            return drop(Reason.TRUNCATED_OUTER);
        }
        int vihl = Bytes.u8(pkt, 0);
        int ihl = (vihl & 0x0f) * 4;
        if ((vihl >>> 4) != 4 || ihl < 20 || ihl > len || Bytes.u16(pkt, 2) < ihl || Bytes.u16(pkt, 2) > len) {
            return drop(Reason.BAD_OUTER);
        }
        if (Bytes.u8(pkt, 9) != 4) {
            return drop(Reason.NOT_IPIP);
        }
        int outerTotal = Bytes.u16(pkt, 2);
        int innerLen = outerTotal - ihl;
        if (innerLen < 20) {
            return drop(Reason.TRUNCATED_INNER);
        }
        int ivihl = Bytes.u8(pkt, ihl);
        int iihl = (ivihl & 0x0f) * 4;
        if ((ivihl >>> 4) != 4 || iihl < 20 || iihl > innerLen || Bytes.u16(pkt, ihl + 2) != innerLen) {
            return drop(Reason.BAD_INNER);
        }
        if (Arrays.binarySearch(vips, Bytes.i32(pkt, ihl + 16)) < 0) {
            return drop(Reason.NOT_A_VIP);
        }
        decapsulated++;
        return ihl;
    }

    private int drop(Reason r) {
        drops[r.ordinal()]++;
        return -1;
    }

    public long decapsulated() {
        return decapsulated;
    }

    public long drops(Reason r) {
        return drops[r.ordinal()];
    }

    public long dropsTotal() {
        long t = 0;
        for (long d : drops) {
            t += d;
        }
        return t;
    }
}
