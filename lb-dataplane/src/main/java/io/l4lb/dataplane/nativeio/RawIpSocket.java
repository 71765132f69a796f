package io.l4lb.dataplane.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A raw IPv4 socket for one IP protocol (112 for VRRP, 4 for IPIP): the kernel writes the IP
 * header on send; on receive the buffer starts with the IP header (raw(7)). Non-blocking: wait
 * with {@link Poller}.
 *
 * <p>Threading: options are set once by the owner; {@link #sendTo} and {@link #receive} reuse
 * per-socket address segments, so each must be called from one thread at a time (the VRRP
 * thread does both). Neither allocates.
 */
public final class RawIpSocket implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final MemorySegment sendAddr = arena.allocate(SockAddrs.SOCKADDR_IN_SIZE, 4);
    private final MemorySegment option = arena.allocate(16, 4);
    private volatile boolean closed;

    private RawIpSocket(int fd) {
        this.fd = fd;
        SockAddrs.writeInet(sendAddr, 0, 0);
    }

    /** socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol); needs CAP_NET_RAW. */
    public static RawIpSocket open(int protocol) throws NativeIoException {
        int fd = Libc.check("socket(AF_INET, SOCK_RAW, " + protocol + ")", Libc.socket(LinuxNet.AF_INET,
                LinuxNet.SOCK_RAW | LinuxNet.SOCK_NONBLOCK | LinuxNet.SOCK_CLOEXEC, protocol));
        return new RawIpSocket(fd);
    }

    public int fd() {
        return fd;
    }

    /** SO_BINDTODEVICE: send and receive only through this interface. */
    public void bindToDevice(String ifname) throws NativeIoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(ifname);
            Libc.check("setsockopt(SO_BINDTODEVICE " + ifname + ")",
                    Libc.setsockopt(fd, LinuxNet.SOL_SOCKET, LinuxNet.SO_BINDTODEVICE, name, (int) name.byteSize()));
        }
    }

    /** bind(2) to a local address: the kernel then uses it as the source of every packet sent. */
    public void bindAddress(int ipv4) throws NativeIoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(SockAddrs.SOCKADDR_IN_SIZE, 4);
            SockAddrs.writeInet(sa, ipv4, 0);
            Libc.check("bind(" + Ipv4.toString(ipv4) + ")", Libc.bind(fd, sa, SockAddrs.SOCKADDR_IN_SIZE));
        }
    }

    public synchronized void setIntOption(int level, int name, int value) throws NativeIoException {
        option.set(ValueLayout.JAVA_INT, 0, value);
        Libc.check("setsockopt(" + level + ", " + name + ")", Libc.setsockopt(fd, level, name, option, 4));
    }

    public void setTtl(int ttl) throws NativeIoException {
        setIntOption(LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL, ttl);
    }

    public void setMulticastTtl(int ttl) throws NativeIoException {
        setIntOption(LinuxNet.IPPROTO_IP, LinuxNet.IP_MULTICAST_TTL, ttl);
    }

    public void setMulticastLoop(boolean loop) throws NativeIoException {
        setIntOption(LinuxNet.IPPROTO_IP, LinuxNet.IP_MULTICAST_LOOP, loop ? 1 : 0);
    }

    /** IP_MULTICAST_IF with struct ip_mreqn {multiaddr; address; ifindex}. */
    public synchronized void setMulticastInterface(int ifindex) throws NativeIoException {
        writeMreqn(0, ifindex);
        Libc.check("setsockopt(IP_MULTICAST_IF)",
                Libc.setsockopt(fd, LinuxNet.IPPROTO_IP, LinuxNet.IP_MULTICAST_IF, option, 12));
    }

    /** IP_ADD_MEMBERSHIP on one interface. */
    public synchronized void joinGroup(int group, int ifindex) throws NativeIoException {
        writeMreqn(group, ifindex);
        Libc.check("setsockopt(IP_ADD_MEMBERSHIP " + Ipv4.toString(group) + ")",
                Libc.setsockopt(fd, LinuxNet.IPPROTO_IP, LinuxNet.IP_ADD_MEMBERSHIP, option, 12));
    }

    private void writeMreqn(int group, int ifindex) {
        option.set(SockAddrs.BE_INT, 0, group);
        option.set(SockAddrs.BE_INT, 4, 0);
        option.set(ValueLayout.JAVA_INT, 8, ifindex);
    }

    /**
     * Sends {@code len} bytes of {@code buf} (the IP payload) to {@code dst}: bytes sent, or -1
     * ({@link Libc#lastErrno()} tells why, best effort). Allocation-free.
     */
    public long sendTo(MemorySegment buf, long len, int dst) {
        SockAddrs.setInetAddress(sendAddr, dst);
        return Libc.sendtoFast(fd, buf, len, 0, sendAddr, SockAddrs.SOCKADDR_IN_SIZE);
    }

    /** Receives one packet (IP header included): its length, or -1 when none is queued. Allocation-free. */
    public long receive(MemorySegment buf) {
        return Libc.recvfromFast(fd, buf, buf.byteSize(), LinuxNet.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
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
