package io.l4lb.dataplane.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A TUN device (Documentation/networking/tuntap.rst): {@code open("/dev/net/tun")} then
 * {@code ioctl(TUNSETIFF)} with {@code IFF_TUN | IFF_NO_PI}, so each {@link #write} hands one bare
 * IP packet to the kernel as if it had arrived on the interface. The device lives while the fd is
 * open (not persistent). {@link #up} sets IFF_UP through SIOCGIFFLAGS/SIOCSIFFLAGS.
 *
 * <p>Threading: {@link #write} from one thread at a time; it does not allocate.
 */
public final class TunDevice implements AutoCloseable {
    static final long TUNSETIFF = 0x400454caL;
    static final int IFF_TUN = 0x0001;
    static final int IFF_NO_PI = 0x1000;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final int IFF_UP = 0x1;
    private static final int O_RDWR = 2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final int IFREQ_SIZE = 40;

    private final int fd;
    private final String name;
    private volatile boolean closed;

    private TunDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Creates (or attaches to) TUN device {@code name}; needs CAP_NET_ADMIN. */
    public static TunDevice open(String name) throws NativeIoException {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length == 0 || n.length >= 16) {
            throw new IllegalArgumentException("TUN device name must be 1..15 bytes: " + name);
        }
        int fd = Libc.check("open(/dev/net/tun)", Libc.open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = a.allocate(IFREQ_SIZE, 8);
            MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, n.length);
            ifr.set(ValueLayout.JAVA_SHORT, 16, (short) (IFF_TUN | IFF_NO_PI));
            Libc.check("ioctl(TUNSETIFF " + name + ")", Libc.ioctl(fd, TUNSETIFF, ifr));
            return new TunDevice(fd, name);
        } catch (NativeIoException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public int fd() {
        return fd;
    }

    /** Sets the device administratively up (ip link set NAME up). */
    public void up() throws NativeIoException {
        int s = Libc.check("socket(AF_INET, SOCK_DGRAM)",
                Libc.socket(LinuxNet.AF_INET, LinuxNet.SOCK_DGRAM | LinuxNet.SOCK_CLOEXEC, 0));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = a.allocate(IFREQ_SIZE, 8);
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, n.length);
            Libc.check("ioctl(SIOCGIFFLAGS " + name + ")", Libc.ioctl(s, SIOCGIFFLAGS, ifr));
            short flags = ifr.get(ValueLayout.JAVA_SHORT, 16);
            ifr.set(ValueLayout.JAVA_SHORT, 16, (short) (flags | IFF_UP));
            Libc.check("ioctl(SIOCSIFFLAGS " + name + ")", Libc.ioctl(s, SIOCSIFFLAGS, ifr));
        } finally {
            Libc.close(s);
        }
    }

    /** Injects one IP packet: bytes written, or -1 (e.g. the device is down). Allocation-free. */
    public long write(MemorySegment packet, long len) {
        return Libc.writeFast(fd, packet, len);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
