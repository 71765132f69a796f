package io.l4lb.dataplane.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Interface look-ups: index (if_nametoindex), MAC (SIOCGIFHWADDR), primary IPv4 (SIOCGIFADDR). */
public final class NetInterfaces {
    static final long SIOCGIFADDR = 0x8915;
    static final long SIOCGIFHWADDR = 0x8927;
    /** sizeof(struct ifreq): char ifr_name[16] + a 24-byte union. */
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;

    private NetInterfaces() {
    }

    public static int index(String ifname) throws NativeIoException {
        return Libc.check("if_nametoindex(" + ifname + ")", Libc.ifNameToIndex(ifname));
    }

    /** The interface's hardware (MAC) address, 6 bytes. */
    public static byte[] macAddress(String ifname) throws NativeIoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a, ifname);
            ioctl(ifr, SIOCGIFHWADDR, "SIOCGIFHWADDR " + ifname);
            // ifr_hwaddr is a struct sockaddr at offset 16: sa_family (2 bytes), then sa_data.
            return ifr.asSlice(18, 6).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** The interface's primary IPv4 address (the first one the kernel lists), as {@link Ipv4} int. */
    public static int primaryIpv4(String ifname) throws NativeIoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a, ifname);
            ioctl(ifr, SIOCGIFADDR, "SIOCGIFADDR " + ifname);
            // ifr_addr is a struct sockaddr_in at offset 16: family, port, then sin_addr at 20.
            return ifr.get(SockAddrs.BE_INT, 20);
        }
    }

    private static MemorySegment ifreq(Arena a, String ifname) {
        byte[] name = ifname.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (name.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name longer than 15 bytes: " + ifname);
        }
        MemorySegment ifr = a.allocate(IFREQ_SIZE, 8);
        MemorySegment.copy(name, 0, ifr, ValueLayout.JAVA_BYTE, 0, name.length);
        return ifr;
    }

    private static void ioctl(MemorySegment ifr, long request, String what) throws NativeIoException {
        int fd = Libc.check("socket(AF_INET, SOCK_DGRAM)",
                Libc.socket(LinuxNet.AF_INET, LinuxNet.SOCK_DGRAM | LinuxNet.SOCK_CLOEXEC, 0));
        try {
            Libc.check("ioctl(" + what + ")", Libc.ioctl(fd, request, ifr));
        } finally {
            Libc.close(fd);
        }
    }
}
