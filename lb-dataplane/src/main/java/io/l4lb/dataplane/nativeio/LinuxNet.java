package io.l4lb.dataplane.nativeio;

/** Linux constants of the socket API used by this layer (x86_64/aarch64 values; see socket(7), ip(7)). */
public final class LinuxNet {
    public static final int AF_INET = 2;
    public static final int AF_NETLINK = 16;
    public static final int AF_PACKET = 17;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_BINDTODEVICE = 25;
    public static final int IPPROTO_IP = 0;
    public static final int IP_TTL = 2;
    /** Lets a listener bind an address the host does not (yet) own: how the proxy keeps the VIP bound. */
    public static final int IP_FREEBIND = 15;
    public static final int IP_MULTICAST_IF = 32;
    public static final int IP_MULTICAST_TTL = 33;
    public static final int IP_MULTICAST_LOOP = 34;
    public static final int IP_ADD_MEMBERSHIP = 35;
    public static final int IPPROTO_VRRP = 112;
    public static final int ETH_P_ARP = 0x0806;
    public static final int POLLIN = 0x1;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int MSG_DONTWAIT = 0x40;

    private LinuxNet() {
    }
}
