package io.l4lb.dataplane.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A send-only AF_PACKET socket on one interface (packet(7)): whole Ethernet frames go out as
 * written. Opened with protocol 0 so the kernel queues nothing to it. Used for gratuitous ARP;
 * the DR engine opens its own receive sockets.
 *
 * <p>Threading: {@link #send} reuses one address segment: one sending thread at a time.
 */
public final class PacketSocket implements AutoCloseable {
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int ifindex;
    private final MemorySegment addr = arena.allocate(SockAddrs.SOCKADDR_LL_SIZE, 4);
    private volatile boolean closed;

    private PacketSocket(int fd, int ifindex) {
        this.fd = fd;
        this.ifindex = ifindex;
    }

    public static PacketSocket openSender(int ifindex) throws NativeIoException {
        int fd = Libc.check("socket(AF_PACKET, SOCK_RAW, 0)",
                Libc.socket(LinuxNet.AF_PACKET, LinuxNet.SOCK_RAW | LinuxNet.SOCK_CLOEXEC, 0));
        return new PacketSocket(fd, ifindex);
    }

    public int ifindex() {
        return ifindex;
    }

    /** Sends one frame (Ethernet header included) of {@code len} bytes, to the broadcast link address: bytes sent or -1. */
    public long send(MemorySegment frame, long len, int etherType) {
        SockAddrs.writeLinkLayer(addr, etherType, ifindex, BROADCAST);
        return Libc.sendtoFast(fd, frame, len, 0, addr, SockAddrs.SOCKADDR_LL_SIZE);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
            arena.close();
        }
    }
}
