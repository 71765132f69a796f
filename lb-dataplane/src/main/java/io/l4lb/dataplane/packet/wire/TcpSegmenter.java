package io.l4lb.dataplane.packet.wire;

import static io.l4lb.dataplane.packet.wire.Headers.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Software segmentation of an IPv4 TCP GSO super-frame into IPIP packets, in place, one segment at
 * a time: what the kernel's {@code inet_gso_segment} + {@code tcp_gso_segment} do before a device
 * that cannot segment (LVS tunnels rely on it: {@code ip_vs_tunnel_xmit} hands the super-frame to
 * the stack, which segments it after encapsulation or before the IPIP device).
 *
 * <p>Per segment {@code k} of {@code n} (payload chunks of {@code mss} bytes, the last one shorter):
 * <ul>
 *   <li>IPv4 header (options included) copied from the super-frame, total length set, the
 *       identification incremented per segment ({@code inet_gso_segment} without
 *       {@code SKB_GSO_TCP_FIXEDID}: PACKET_VNET_HDR does not carry that flag), header checksum
 *       recomputed;</li>
 *   <li>TCP header (options included) copied, sequence number {@code seq + k * mss}, FIN and PSH only
 *       on the last segment, CWR only on the first (RFC 3168 section 6.1.2: CWR marks one segment;
 *       {@code tcp_gso_segment} clears it after the first), the full checksum over the RFC 793
 *       pseudo-header computed (nothing behind an IPIP header can complete a CHECKSUM_PARTIAL one,
 *       so the field's old content, a pseudo-header sum for the whole super-frame, is ignored);</li>
 *   <li>an outer IPIP header ({@link Ipv4Writer#encapsulateIpip}) in front.</li>
 * </ul>
 *
 * <p>Zero copy of the payload: segment {@code k}'s headers are written in the bytes just before
 * its payload chunk, i.e. over the tail of chunk {@code k-1}, which must have been sent before
 * {@link #next} is called again (packet I/O copies a frame on send: sendto, or the in-memory
 * recorder). Headers reach back at most to {@code l3 - 20}, the headroom the first segment's outer
 * header needs anyway; the original headers are saved in a scratch buffer by {@link #begin}.
 *
 * <p>Threading: one instance per packet engine (worker thread).
 */
public final class TcpSegmenter {
    /** IPv4 header (at most 60 bytes) + TCP header (at most 60). */
    private static final int MAX_HEADERS = 120;

    private final MemorySegment saved;
    private MemorySegment s;
    private int ihl;
    private int headers;
    private long payload;
    private long end;
    private int mss;
    private int seq;
    private int id;
    private int flags;
    private long pseudo;
    private int outerSrc;
    private int outerDst;
    private int index;
    private int length;

    public TcpSegmenter(Arena arena) {
        this.saved = arena.allocate(MAX_HEADERS, 8);
    }

    /**
     * Starts segmenting the IPv4/TCP packet at {@code l3} (already validated: IHL, total length,
     * TCP data offset) into chunks of {@code mss} payload bytes, each to be sent in IPIP from
     * {@code outerSrc} to {@code outerDst}.
     *
     * @return the number of segments {@link #next} will produce
     */
    public int begin(MemorySegment seg, long l3, int ihl, int thl, int total, int mss, int outerSrc, int outerDst) {
        if (mss <= 0) {
            throw new IllegalArgumentException("mss " + mss);
        }
        this.s = seg;
        this.ihl = ihl;
        this.headers = ihl + thl;
        this.payload = l3 + headers;
        this.end = l3 + total;
        this.mss = mss;
        this.outerSrc = outerSrc;
        this.outerDst = outerDst;
        this.index = 0;
        MemorySegment.copy(seg, l3, saved, 0, headers);
        long tcp = l3 + ihl;
        this.seq = Bytes.i32(seg, tcp + TCP_SEQ);
        this.id = Bytes.u16(seg, l3 + IP_ID);
        this.flags = Bytes.u8(seg, tcp + TCP_FLAGS);
        int src = Bytes.i32(seg, l3 + IP_SRC);
        int dst = Bytes.i32(seg, l3 + IP_DST);
        // RFC 793 pseudo-header without the TCP length, which differs per segment
        this.pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + PROTO_TCP;
        int data = total - headers;
        return data <= 0 ? 0 : (data + mss - 1) / mss;
    }

    /**
     * Writes the next segment, encapsulated, in place.
     *
     * @return the offset of its outer IPv4 header ({@link #length} bytes long), or -1 when every
     *         segment was written
     */
    public long next() {
        if (payload >= end) {
            return -1;
        }
        int chunk = (int) Math.min(mss, end - payload);
        long ip = payload - headers;
        long tcp = ip + ihl;
        MemorySegment.copy(saved, 0, s, ip, headers);
        int innerLen = headers + chunk;
        Bytes.put16(s, ip + IP_TOTAL_LEN, innerLen);
        Bytes.put16(s, ip + IP_ID, id + index);
        Bytes.put16(s, ip + IP_CHECKSUM, 0);
        Bytes.put16(s, ip + IP_CHECKSUM, Bytes.checksum(s, ip, ihl));
        Bytes.put32(s, tcp + TCP_SEQ, seq + index * mss); // wraps mod 2^32 like the sequence space
        int f = flags;
        if (payload + chunk != end) {
            f &= ~(TCP_FIN | TCP_PSH);
        }
        if (index != 0) {
            f &= ~TCP_CWR;
        }
        Bytes.put8(s, tcp + TCP_FLAGS, f);
        int tcpLen = innerLen - ihl;
        Bytes.put16(s, tcp + TCP_CHECKSUM, 0);
        Bytes.put16(s, tcp + TCP_CHECKSUM, Bytes.finish(Bytes.sumLong(s, tcp, tcpLen, pseudo + tcpLen)));
        length = Ipv4Writer.encapsulateIpip(s, ip, innerLen, outerSrc, outerDst);
        payload += chunk;
        index++;
        return ip - IP_MIN_LEN;
    }

    /** Outer total length of the segment the last {@link #next} wrote. */
    public int length() {
        return length;
    }
}
