package io.l4lb.dataplane.packet.wire;

import static io.l4lb.dataplane.packet.wire.Headers.*;

import java.lang.foreign.MemorySegment;

/** Writes the headers the engine generates: IPv4 (RFC 791), IPIP (RFC 2003), ICMP (RFC 792/1191), ARP (RFC 826). */
public final class Ipv4Writer {
    private Ipv4Writer() {
    }

    /**
     * A 20-byte IPv4 header (no options) at {@code off}, header checksum computed. Written as five
     * 32-bit big-endian words, and the checksum (RFC 1071: ones' complement of the ones' complement
     * sum of the 16-bit words) summed from the field values rather than read back: this runs once
     * per tunnelled packet.
     */
    public static void header(MemorySegment s, long off, int tos, int totalLen, int id, int frag, int ttl,
                              int proto, int src, int dst) {
        int w0 = 0x45 << 24 | (tos & 0xff) << 16 | (totalLen & 0xffff);
        int w1 = (id & 0xffff) << 16 | (frag & 0xffff);
        int w2 = (ttl & 0xff) << 24 | (proto & 0xff) << 16; // checksum field 0 while summing
        long sum = (w0 >>> 16) + (w0 & 0xffff) + (w1 >>> 16) + (w1 & 0xffff) + (w2 >>> 16)
                + (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
        Bytes.put32(s, off, w0);
        Bytes.put32(s, off + 4, w1);
        Bytes.put32(s, off + 8, w2 | Bytes.finish(sum));
        Bytes.put32(s, off + IP_SRC, src);
        Bytes.put32(s, off + IP_DST, dst);
    }

    /**
     * IPIP (RFC 2003 section 3.1) outer header in the 20 bytes before the inner header at
     * {@code inner}. As LVS {@code ip_vs_tunnel_xmit}: TOS and TTL copied from the inner header,
     * DF copied; the identification is copied from the inner header (deterministic, and unique per
     * inner source within the MSL as RFC 6864 asks of non-atomic datagrams).
     *
     * @return the outer total length
     */
    public static int encapsulateIpip(MemorySegment s, long inner, int innerLen, int outerSrc, int outerDst) {
        int tos = Bytes.u8(s, inner + IP_TOS);
        int id = Bytes.u16(s, inner + IP_ID);
        int df = Bytes.u16(s, inner + IP_FRAG) & IP_DF;
        int ttl = Bytes.u8(s, inner + IP_TTL);
        int total = innerLen + IP_MIN_LEN;
        header(s, inner - IP_MIN_LEN, tos, total, id, df, ttl, PROTO_IPIP, outerSrc, outerDst);
        return total;
    }

    /**
     * Rewrites the frame whose IPv4 header is at {@code l3} into an ICMP destination unreachable,
     * fragmentation needed (type 3 code 4, RFC 1191 section 4: next-hop MTU in the low 16 bits of
     * the second word) to the packet's source, quoting its IP header and first 8 data bytes
     * (RFC 792). The Ethernet header (and any VLAN tag) is kept and pointed back at the sender.
     *
     * @return the new frame length counted from {@code frameStart}
     */
    public static int fragNeeded(MemorySegment s, long frameStart, long l3, int ihl, int totalLen, int mtu,
                                 long lbMac, int lbIp) {
        int quoted = Math.min(ihl + 8, totalLen);
        long icmp = l3 + IP_MIN_LEN;
        MemorySegment.copy(s, l3, s, icmp + ICMP_LEN, quoted); // overlapping copy is safe (as memmove)
        int client = Bytes.i32(s, icmp + ICMP_LEN + IP_SRC);
        long peerMac = Bytes.mac(s, frameStart + ETH_SRC);
        Bytes.putMac(s, frameStart + ETH_DST, peerMac);
        Bytes.putMac(s, frameStart + ETH_SRC, lbMac);
        int icmpLen = ICMP_LEN + quoted;
        // TOS 0xc0 (internetwork control) as Linux icmp_send; TTL 64; no DF
        header(s, l3, 0xc0, IP_MIN_LEN + icmpLen, 0, 0, 64, PROTO_ICMP, lbIp, client);
        Bytes.put8(s, icmp, ICMP_DEST_UNREACH);
        Bytes.put8(s, icmp + 1, ICMP_FRAG_NEEDED);
        Bytes.put16(s, icmp + 2, 0);
        Bytes.put16(s, icmp + 4, 0);
        Bytes.put16(s, icmp + 6, mtu);
        Bytes.put16(s, icmp + 2, Bytes.checksum(s, icmp, icmpLen));
        return (int) (l3 - frameStart) + IP_MIN_LEN + icmpLen;
    }

    /** Turns the ARP request at {@code l3} for {@code vip} into the reply "vip is-at lbMac", in place. */
    public static void arpReply(MemorySegment s, long frameStart, long l3, long lbMac) {
        long requesterMac = Bytes.mac(s, l3 + ARP_SHA);
        int requesterIp = Bytes.i32(s, l3 + ARP_SPA);
        int vip = Bytes.i32(s, l3 + ARP_TPA);
        Bytes.putMac(s, frameStart + ETH_DST, requesterMac);
        Bytes.putMac(s, frameStart + ETH_SRC, lbMac);
        Bytes.put16(s, l3 + ARP_OPER, ARP_REPLY);
        Bytes.putMac(s, l3 + ARP_SHA, lbMac);
        Bytes.put32(s, l3 + ARP_SPA, vip);
        Bytes.putMac(s, l3 + ARP_THA, requesterMac);
        Bytes.put32(s, l3 + ARP_TPA, requesterIp);
    }
}
