package io.l4lb.dataplane.packet.io;

import io.l4lb.dataplane.nativeio.Libc;
import io.l4lb.dataplane.nativeio.LinuxNet;
import io.l4lb.dataplane.nativeio.NativeIoException;
import io.l4lb.dataplane.nativeio.RawIpSocket;
import io.l4lb.dataplane.nativeio.SockAddrs;
import io.l4lb.dataplane.packet.Frame;
import io.l4lb.dataplane.packet.Verdict;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Packet I/O on one interface through AF_PACKET (packet(7)): a TPACKET_V3 receive ring mapped
 * into the process (frames are processed in place in the ring, PACKET_RESERVE leaves
 * {@link Frame#HEADROOM} bytes before each frame for the IPIP header), optional PACKET_FANOUT_HASH
 * membership so several workers share the interface flow by flow, PACKET_IGNORE_OUTGOING so the
 * worker does not read back what it sends. Ethernet output goes out of the same socket; IPv4
 * output (IPIP) through a raw IP socket (IPPROTO_RAW, the kernel routes it).
 *
 * <p>PACKET_VNET_HDR: each frame comes with its virtio_net_hdr, so checksum-offloaded
 * (CHECKSUM_PARTIAL) frames and GSO super-frames from veths and NICs are described, not broken:
 * DR sends them back with the same header and the kernel completes checksums and segments; the
 * tunnel path completes the inner checksum itself ({@link Frame#checksumOffload}).
 *
 * <p>Threading: one instance per worker thread. A block of the ring belongs to user space from
 * the {@link #receive} that returns its frames until the next {@code receive}.
 */
public final class AfPacketIo implements PacketIo {
    private static final int SOL_PACKET = 263;
    private static final int PACKET_RX_RING = 5;
    private static final int PACKET_VERSION = 10;
    private static final int PACKET_RESERVE = 12;
    private static final int PACKET_FANOUT = 18;
    private static final int PACKET_IGNORE_OUTGOING = 23;
    private static final int PACKET_VNET_HDR = 15;
    private static final int VNET_HDR_LEN = 10;
    private static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    private static final int TPACKET_V3 = 2;
    private static final int PACKET_FANOUT_HASH = 0;
    private static final int ETH_P_ALL = 0x0003;
    private static final int TP_STATUS_KERNEL = 0;
    private static final int TP_STATUS_USER = 1;
    private static final int IPPROTO_RAW = 255;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int ifindex;
    private final MemorySegment ring;
    private final int blockSize;
    private final int blockCount;
    private final MemorySegment linkAddr;
    private final MemorySegment pollFd;
    private final RawIpSocket raw;
    private int block;
    private int remaining;
    private long nextPacket;
    private boolean holding;
    private boolean closed;

    private AfPacketIo(int fd, int ifindex, MemorySegment ring, int blockSize, int blockCount, RawIpSocket raw) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.ring = ring;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.raw = raw;
        this.linkAddr = arena.allocate(SockAddrs.SOCKADDR_LL_SIZE, 4);
        SockAddrs.writeLinkLayer(linkAddr, ETH_P_ALL, ifindex, new byte[6]);
        this.pollFd = arena.allocate(8, 4);
        pollFd.set(U32, 0, fd);
        pollFd.set(U16, 4, (short) LinuxNet.POLLIN);
    }

    /**
     * Opens the ring on {@code ifindex}: {@code blockCount} blocks of {@code blockSize} bytes (a
     * multiple of the page size), joining fanout group {@code fanoutGroup} unless it is 0.
     */
    public static AfPacketIo open(int ifindex, int fanoutGroup, int blockSize, int blockCount) throws NativeIoException {
        // protocol 0: nothing is queued until bind() names the interface and ETH_P_ALL
        int fd = Libc.check("socket(AF_PACKET)", Libc.socket(LinuxNet.AF_PACKET,
                LinuxNet.SOCK_RAW | LinuxNet.SOCK_CLOEXEC, 0));
        try (Arena a = Arena.ofConfined()) {
            setInt(a, fd, PACKET_VERSION, TPACKET_V3);
            setInt(a, fd, PACKET_RESERVE, Frame.HEADROOM);
            setInt(a, fd, PACKET_IGNORE_OUTGOING, 1);
            setInt(a, fd, PACKET_VNET_HDR, 1);
            MemorySegment req = a.allocate(28, 4); // struct tpacket_req3
            req.set(U32, 0, blockSize);
            req.set(U32, 4, blockCount);
            req.set(U32, 8, 2048); // frame size: V3 packs packets of any size into blocks
            req.set(U32, 12, blockSize / 2048 * blockCount);
            // Retire a partly filled block after 1 ms (the minimum): V3 hands a block to user space
            // only when it is full or retired, so this bounds the latency a packet gets at low rates.
            // 10 ms here held each ACK of a DR download and each SYN for up to 10 ms (measured:
            // DR download 1.8 instead of 16.5 Gbit/s, 1,600 instead of 13,400 short connections/s;
            // docs/benchmarks-packet.md). The price: a nearly empty block per millisecond at low
            // rates, so give the ring many blocks (a stalled reader has blockCount ms of room).
            req.set(U32, 16, 1);
            Libc.check("setsockopt(PACKET_RX_RING)", Libc.setsockopt(fd, SOL_PACKET, PACKET_RX_RING, req, 28));
            MemorySegment ring = Mmap.map(fd, (long) blockSize * blockCount);
            MemorySegment sll = a.allocate(SockAddrs.SOCKADDR_LL_SIZE, 4);
            SockAddrs.writeLinkLayer(sll, ETH_P_ALL, ifindex, new byte[0]);
            Libc.check("bind(AF_PACKET)", Libc.bind(fd, sll, SockAddrs.SOCKADDR_LL_SIZE));
            if (fanoutGroup != 0) {
                setInt(a, fd, PACKET_FANOUT, (fanoutGroup & 0xffff) | (PACKET_FANOUT_HASH << 16));
            }
            return new AfPacketIo(fd, ifindex, ring, blockSize, blockCount, RawIpSocket.open(IPPROTO_RAW));
        } catch (NativeIoException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    private static void setInt(Arena a, int fd, int opt, int value) throws NativeIoException {
        MemorySegment v = a.allocate(4, 4);
        v.set(U32, 0, value);
        Libc.check("setsockopt(SOL_PACKET, " + opt + ")", Libc.setsockopt(fd, SOL_PACKET, opt, v, 4));
    }

    /** Waits up to {@code timeoutMillis} for a filled block; true when one is ready. */
    public boolean await(int timeoutMillis) {
        if (holding || ready(block)) {
            return true;
        }
        Libc.poll(pollFd, 1, timeoutMillis);
        return ready(block);
    }

    private boolean ready(int b) {
        return (ring.get(U32, (long) b * blockSize + 8) & TP_STATUS_USER) != 0;
    }

    @Override
    public int receive(Frame[] frames) {
        if (holding && remaining == 0) {
            ring.set(U32, (long) block * blockSize + 8, TP_STATUS_KERNEL); // hand the block back
            holding = false;
            block = (block + 1) % blockCount;
        }
        if (!holding) {
            if (!ready(block)) {
                return 0;
            }
            long base = (long) block * blockSize;
            remaining = ring.get(U32, base + 12);
            nextPacket = base + Integer.toUnsignedLong(ring.get(U32, base + 16));
            holding = true;
        }
        int n = 0;
        while (n < frames.length && remaining > 0) {
            long p = nextPacket; // struct tpacket3_hdr
            int next = ring.get(U32, p);
            int snaplen = ring.get(U32, p + 12);
            int mac = Short.toUnsignedInt(ring.get(U16, p + 24));
            long vnet = p + mac - VNET_HDR_LEN; // struct virtio_net_hdr, little-endian on x86
            Frame f = frames[n++];
            f.reset(ring, (int) (p + mac), snaplen, Short.toUnsignedInt(ring.get(U16, vnet + 4)));
            if ((ring.get(ValueLayout.JAVA_BYTE, vnet) & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0) {
                f.checksumOffload(Short.toUnsignedInt(ring.get(U16, vnet + 6)), Short.toUnsignedInt(ring.get(U16, vnet + 8)));
            }
            nextPacket = p + next;
            remaining--;
        }
        return n;
    }

    @Override
    public void send(Frame f, Verdict verdict) {
        MemorySegment out = f.segment().asSlice(f.start(), f.length());
        if (f.kind() == Frame.Kind.ETHERNET) {
            // PACKET_VNET_HDR: every frame sent is preceded by a virtio_net_hdr. A DR frame keeps
            // the one it was received with (checksum offload, GSO: the kernel finishes the job);
            // a reply the engine built needs none of that.
            MemorySegment withHdr = f.segment().asSlice(f.start() - VNET_HDR_LEN, f.length() + VNET_HDR_LEN);
            if (verdict != Verdict.DR_FORWARD || f.segment() != ring) {
                withHdr.asSlice(0, VNET_HDR_LEN).fill((byte) 0);
            }
            Libc.sendto(fd, withHdr, withHdr.byteSize(), 0, linkAddr, SockAddrs.SOCKADDR_LL_SIZE);
        } else {
            raw.sendTo(out, f.length(), out.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 16));
        }
    }

    public int ifindex() {
        return ifindex;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Mmap.unmap(ring);
            Libc.close(fd);
            raw.close();
            arena.close();
        }
    }
}
