package io.l4lb.dataplane.packet;

import static io.l4lb.dataplane.packet.wire.Headers.*;

import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.time.NanoClock;
import io.l4lb.dataplane.packet.flow.ConnectionTable;
import io.l4lb.dataplane.packet.flow.PersistenceTemplates;
import io.l4lb.dataplane.packet.flow.TcpState;
import io.l4lb.dataplane.packet.wire.Bytes;
import io.l4lb.dataplane.packet.wire.Ipv4Writer;
import io.l4lb.dataplane.packet.wire.TcpSegmenter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The pure packet engine of one worker: parse -> look up -> rewrite/encapsulate -> verdict, over a
 * {@link Frame} rewritten in place. No allocation, no lock and no logging per packet (the only
 * locks are the persistence template stripes, taken on new flows of persistent services).
 *
 * <p>Threading: one engine per worker thread (it owns its {@link ConnectionTable}); everything it
 * shares lives in the {@link PacketPlane}.
 *
 * <p>Parsing order matters for cost and for the kernel: frames that are not IPv4 or ARP, and IPv4
 * packets not addressed to a VIP, are {@link Verdict#PASS}ed after reading two fields; only VIP
 * traffic is validated (version, IHL, lengths, header checksum, fragments, L4 header).
 */
public final class PacketEngine {
    private final PacketPlane plane;
    private final EngineConfig config;
    private final EngineCounters counters;
    private final PersistenceTemplates templates;
    private final ConnectionTable table;
    private final NanoClock clock;
    private final long lbMac;
    private final int lbIp;
    private final int mtu;
    private final TcpSegmenter segmenter = new TcpSegmenter(Arena.ofAuto());
    /** The whole connection table is swept once per second (see {@link #expireDue}). */
    public static final long SWEEP_PERIOD_NANOS = 1_000_000_000L;
    private long lastSweep;
    // counts of the current run of packets to one service / one server, not yet in the LongAdders
    private VirtualService runSvc;
    private long runSvcPackets;
    private long runSvcBytes;
    private RealServer runServer;
    private long runServerPackets;
    private long runServerBytes;
    /**
     * The service of the packet being processed, set once its lookup succeeded: per-service drops
     * ({@link DropReason#perService}) all happen after that point, so {@link #drop} charges them to it.
     */
    private VirtualService dropSvc;

    PacketEngine(PacketPlane plane, ConnectionTable table, NanoClock clock) {
        this.plane = plane;
        this.config = plane.config();
        this.counters = plane.counters();
        this.templates = plane.templates();
        this.table = table;
        this.clock = clock;
        this.lbMac = config.lbMac();
        this.lbIp = config.lbIpv4();
        this.mtu = config.tunnelMtu();
        this.lastSweep = clock.nanoTime();
    }

    public ConnectionTable table() {
        return table;
    }

    /** Ends idle flows, examining {@code budget} slots of the table. */
    public int expire(int budget) {
        return table.expire(clock.nanoTime(), budget);
    }

    /**
     * The worker's periodic sweep, between batches and when idle: examines at least
     * {@code minBudget} slots, and enough that the whole table is visited once per
     * {@link #SWEEP_PERIOD_NANOS} whatever the traffic, so server load counts (lc/wlc) drop when
     * flows time out rather than when their slots are next touched.
     */
    public int expireDue(int minBudget) {
        return expireDue(minBudget, clock.nanoTime());
    }

    /** {@link #expireDue(int)} at a time the worker already read. */
    public int expireDue(int minBudget, long now) {
        long elapsed = now - lastSweep;
        long cap = table.capacity();
        long due = elapsed >= SWEEP_PERIOD_NANOS ? cap : cap * elapsed / SWEEP_PERIOD_NANOS;
        if (due > 0) {
            lastSweep = now;
        }
        return table.expire(now, (int) Math.max(minBudget, due));
    }

    /** Decides the fate of one received Ethernet frame and rewrites it for sending. */
    public Verdict process(Frame f) {
        Verdict v = process(f, clock.nanoTime());
        flushCounters();
        return v;
    }

    /**
     * Same, with the time read once per batch by the worker (one clock read per burst, as DPDK
     * load balancers do): flow timers have batch granularity, microseconds at most. Packet and
     * byte counters of consecutive packets to the same service / server are summed here and added
     * to the shared LongAdders once per run: the worker calls {@link #flushCounters} after each
     * batch (four LongAdder updates per packet cost about 50 ns, measured).
     */
    public Verdict process(Frame f, long now) {
        MemorySegment s = f.segment();
        int base = f.start();
        int len = f.length();
        if (len < ETH_LEN) {
            return drop(f, DropReason.TRUNCATED_ETHERNET);
        }
        int type = Bytes.u16(s, base + ETH_TYPE);
        int l3 = base + ETH_LEN;
        if (type == ETHERTYPE_VLAN) {
            if (len < ETH_LEN + VLAN_LEN) {
                return drop(f, DropReason.TRUNCATED_ETHERNET);
            }
            type = Bytes.u16(s, base + ETH_TYPE + VLAN_LEN);
            l3 += VLAN_LEN;
        }
        int l3len = base + len - l3;
        if (type == ETHERTYPE_IPV4) {
            return ipv4(f, s, base, l3, l3len, now);
        }
        if (type == ETHERTYPE_ARP) {
            return arp(f, s, base, l3, l3len);
        }
        return pass();
    }

    private Verdict arp(Frame f, MemorySegment s, int base, int l3, int l3len) {
        if (l3len < ARP_LEN) {
            return drop(f, DropReason.TRUNCATED_ARP);
        }
        if (Bytes.u16(s, l3 + ARP_HTYPE) != 1 || Bytes.u16(s, l3 + ARP_PTYPE) != ETHERTYPE_IPV4
                || Bytes.u8(s, l3 + ARP_HLEN) != 6 || Bytes.u8(s, l3 + ARP_PLEN) != 4
                || Bytes.u16(s, l3 + ARP_OPER) != ARP_REQUEST) {
            return pass();
        }
        int target = Bytes.i32(s, l3 + ARP_TPA);
        if (!plane.answering() || !plane.services().isVip(target)) {
            return pass();
        }
        Ipv4Writer.arpReply(s, base, l3, lbMac);
        counters.arpReplies.increment();
        f.output(base, f.length(), Frame.Kind.ETHERNET);
        return Verdict.REPLY;
    }

    private Verdict ipv4(Frame f, MemorySegment s, int base, int l3, int l3len, long now) {
        if (l3len < IP_MIN_LEN) {
            return drop(f, DropReason.TRUNCATED_IP);
        }
        ServiceTable services = plane.services();
        int dst = Bytes.i32(s, l3 + IP_DST);
        if (!services.isVip(dst)) {
            return pass();
        }
        int verIhl = Bytes.u8(s, l3 + IP_VER_IHL);
        if ((verIhl >>> 4) != 4) {
            return drop(f, DropReason.BAD_IP_VERSION);
        }
        int ihl = (verIhl & 0x0f) << 2;
        if (ihl < IP_MIN_LEN) {
            return drop(f, DropReason.BAD_IHL);
        }
        if (ihl > l3len) {
            return drop(f, DropReason.TRUNCATED_IP);
        }
        int total = Bytes.u16(s, l3 + IP_TOTAL_LEN);
        if (total < ihl) {
            return drop(f, DropReason.BAD_IP_LENGTH);
        }
        if (total > l3len) {
            return drop(f, DropReason.TRUNCATED_IP);
        }
        if (Bytes.checksum(s, l3, ihl) != 0) {
            return drop(f, DropReason.BAD_IP_CHECKSUM);
        }
        int frag = Bytes.u16(s, l3 + IP_FRAG);
        if ((frag & IP_MF_OFFSET) != 0) {
            return drop(f, DropReason.FRAGMENT);
        }
        int proto = Bytes.u8(s, l3 + IP_PROTO);
        int l4 = l3 + ihl;
        int l4len = total - ihl;
        int flags;
        int l4hdr;
        if (proto == PROTO_TCP) {
            if (l4len < TCP_MIN_LEN) {
                return drop(f, DropReason.TRUNCATED_TCP);
            }
            l4hdr = (Bytes.u8(s, l4 + TCP_DATA_OFFSET) >>> 4) << 2;
            if (l4hdr < TCP_MIN_LEN || l4hdr > l4len) {
                return drop(f, DropReason.BAD_TCP_HEADER);
            }
            flags = Bytes.u8(s, l4 + TCP_FLAGS);
        } else if (proto == PROTO_UDP) {
            if (l4len < UDP_LEN) {
                return drop(f, DropReason.TRUNCATED_UDP);
            }
            l4hdr = UDP_LEN;
            flags = 0;
        } else {
            return pass(); // ICMP and others to a VIP: the kernel's business
        }
        int sport = Bytes.u16(s, l4 + L4_SRC_PORT);
        int dport = Bytes.u16(s, l4 + L4_DST_PORT);
        VirtualService svc = services.lookup(dst, dport, proto);
        if (svc == null) {
            return drop(f, DropReason.NO_SERVICE);
        }
        dropSvc = svc;
        boolean tunnel = svc.style() == ForwardStyle.TUNNEL;
        boolean segment = false;
        if (tunnel) {
            int gso = f.gsoSize();
            // a GSO super-frame leaves as gso_size-sized segments: judge the segment, not the frame
            int wire = gso > 0 ? ihl + l4hdr + gso : total;
            if (wire + EngineConfig.IPIP_OVERHEAD > mtu) {
                return (frag & IP_DF) != 0 ? fragNeeded(f, s, base, l3, ihl, total) : drop(f, DropReason.TOO_BIG);
            }
            if (l3 < EngineConfig.IPIP_OVERHEAD) {
                return drop(f, DropReason.NO_HEADROOM);
            }
            if (gso > 0 && l4len - l4hdr > gso) {
                DropReason bad = gsoCheck(f, base, l4, proto);
                if (bad != null) {
                    return drop(f, bad);
                }
                segment = true;
            }
        }
        int src = Bytes.i32(s, l3 + IP_SRC);
        RealServer rs = realServer(svc, src, dst, sport, dport, proto, flags, now);
        if (rs == null) {
            return drop(f, DropReason.NO_SERVER);
        }
        if (!tunnel) {
            long mac = rs.mac();
            if (mac == Bytes.NO_MAC) {
                return drop(f, DropReason.NO_NEIGHBOR);
            }
            count(svc, rs, 1, total);
            Bytes.putMac(s, base + ETH_DST, mac);
            Bytes.putMac(s, base + ETH_SRC, lbMac);
            f.output(base, f.length(), Frame.Kind.ETHERNET);
            return Verdict.DR_FORWARD;
        }
        if (segment) {
            return segment(f, s, svc, rs, l3, ihl, l4hdr, total);
        }
        count(svc, rs, 1, total);
        if (f.csumStart() >= 0) {
            // no offload can finish an inner checksum behind an IPIP header: finish it here
            int at = base + f.csumStart();
            Bytes.put16(s, at + f.csumOffset(), Bytes.checksum(s, at, l3 + total - at));
        }
        int outLen = Ipv4Writer.encapsulateIpip(s, l3, total, lbIp, rs.ipv4());
        f.output(l3 - EngineConfig.IPIP_OVERHEAD, outLen, Frame.Kind.IPV4);
        return Verdict.TUNNEL_FORWARD;
    }

    /**
     * The flow's real server: from the connection table, else a new flow. A TCP SYN (or a UDP
     * datagram) is scheduled by the backend's scheduler; any other TCP packet of an unknown flow
     * belongs to a connection another LB (or this one before a restart) placed, and goes through the
     * consistent lookup so it reaches the same server as before (sloppy TCP, no sync daemon).
     */
    private RealServer realServer(VirtualService svc, int src, int dst, int sport, int dport, int proto, int flags,
                                  long now) {
        int hash = FlowHash.fiveTuple(src, dst, sport, dport, proto);
        int slot = table.find(hash, src, dst, sport, dport, proto, now);
        if (slot >= 0) {
            if (proto == PROTO_TCP) {
                table.onTcp(slot, flags, now);
            } else {
                table.touch(slot, now);
            }
            return table.server(slot);
        }
        boolean newFlow = proto != PROTO_TCP || (flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;
        boolean persistent = svc.persistent();
        int pickHash = persistent ? FlowHash.client(src) : hash;
        RealServer rs = null;
        if (persistent) {
            RealServer t = templates.peek(src, dst, dport, proto, now);
            RealServer current = t == null ? null : svc.realServer(t.runtime());
            if (current != null && current.runtime().usable()) {
                rs = current;
            }
        }
        if (rs == null) {
            rs = newFlow ? svc.schedule(pickHash) : svc.consistent(pickHash);
            if (rs == null) {
                return null;
            }
        }
        (newFlow ? counters.flowsScheduled : counters.flowsRecovered).increment();
        if (persistent) {
            templates.bind(src, dst, dport, proto, rs, now, svc.persistNanos());
        }
        TcpState state = proto == PROTO_TCP ? TcpState.NONE.next(flags) : TcpState.UDP;
        if (table.insert(hash, src, dst, sport, dport, proto, svc, rs, state, now) == ConnectionTable.FULL) {
            counters.flowsUntracked.increment();
            svc.counters().connectionsTotal.increment();
            rs.runtime().counters().connectionsTotal.increment();
            if (persistent) {
                templates.release(src, dst, dport, proto, now, svc.persistNanos());
            }
        }
        return rs;
    }

    private Verdict fragNeeded(Frame f, MemorySegment s, int base, int l3, int ihl, int total) {
        int nextHopMtu = mtu - EngineConfig.IPIP_OVERHEAD;
        int len = Ipv4Writer.fragNeeded(s, base, l3, ihl, total, nextHopMtu, lbMac, lbIp);
        counters.fragNeededSent.increment();
        f.output(base, len, Frame.Kind.ETHERNET);
        return Verdict.REPLY;
    }

    /**
     * Whether a tunnel super-frame can be segmented here: TCP only (a UDP super-frame, UDP GSO or
     * GRO fraglist, is not), and a checksum offload, if any, must describe its TCP checksum field
     * (virtio_net_hdr csum_start/csum_offset, as the kernel's virtio_net_hdr_to_skb would insist).
     */
    private static DropReason gsoCheck(Frame f, int base, int l4, int proto) {
        if (proto != PROTO_TCP) {
            return DropReason.GSO_NOT_SEGMENTED;
        }
        if (f.csumStart() >= 0 && (base + f.csumStart() != l4 || f.csumOffset() != TCP_CHECKSUM)) {
            return DropReason.BAD_GSO;
        }
        return null;
    }

    /**
     * A TCP super-frame to a tunnel service: cut into gso_size segments by the {@link TcpSegmenter},
     * in place; the frame holds the first encapsulated segment, {@link #nextSegment} the others.
     * Counted as the segments that leave (packets and their inner IP bytes).
     */
    private Verdict segment(Frame f, MemorySegment s, VirtualService svc, RealServer rs, int l3, int ihl, int thl,
                            int total) {
        int n = segmenter.begin(s, l3, ihl, thl, total, f.gsoSize(), lbIp, rs.ipv4());
        count(svc, rs, n, total + (long) (n - 1) * (ihl + thl));
        counters.gsoSuperFrames.increment();
        counters.gsoSegments.add(n);
        nextSegment(f);
        return Verdict.TUNNEL_SEGMENTS;
    }

    /**
     * After {@link Verdict#TUNNEL_SEGMENTS} and once the frame was sent: rewrites the frame as the
     * next IPIP segment of the same super-frame (over the bytes already sent) and returns true, or
     * returns false when every segment was produced.
     */
    public boolean nextSegment(Frame f) {
        long at = segmenter.next();
        if (at < 0) {
            return false;
        }
        f.output((int) at, segmenter.length(), Frame.Kind.IPV4);
        return true;
    }

    private void count(VirtualService svc, RealServer rs, int packets, long bytes) {
        if (svc != runSvc) {
            flushService();
            runSvc = svc;
        }
        runSvcPackets += packets;
        runSvcBytes += bytes;
        if (rs != runServer) {
            flushServer();
            runServer = rs;
        }
        runServerPackets += packets;
        runServerBytes += bytes;
    }

    /** Adds the counts gathered since the last flush to the shared counters. */
    public void flushCounters() {
        flushService();
        flushServer();
        runSvc = null;
        runServer = null;
    }

    private void flushService() {
        if (runSvcPackets != 0) {
            runSvc.counters().packets.add(runSvcPackets);
            runSvc.counters().bytes.add(runSvcBytes);
            runSvcPackets = 0;
            runSvcBytes = 0;
        }
    }

    private void flushServer() {
        if (runServerPackets != 0) {
            runServer.runtime().counters().packets.add(runServerPackets);
            runServer.runtime().counters().bytesIn.add(runServerBytes);
            runServerPackets = 0;
            runServerBytes = 0;
        }
    }

    private Verdict pass() {
        counters.passed.increment();
        return Verdict.PASS;
    }

    private Verdict drop(Frame f, DropReason r) {
        counters.drop(r);
        if (r.perService() && dropSvc != null) {
            dropSvc.counters().drop(r);
        }
        f.dropped(r);
        return Verdict.DROP;
    }
}
