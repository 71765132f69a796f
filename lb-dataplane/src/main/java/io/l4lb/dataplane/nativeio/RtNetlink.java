package io.l4lb.dataplane.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Adds and removes IPv4 addresses on an interface through rtnetlink (rtnetlink(7)): one
 * RTM_NEWADDR/RTM_DELADDR request with NLM_F_ACK, then the kernel's NLMSG_ERROR answer read back.
 * Netlink headers are in host byte order; the address attributes in network order.
 *
 * <p>Control-plane only (allocates per call); thread-safe (each call opens its own socket).
 */
public final class RtNetlink {
    static final int NETLINK_ROUTE = 0;
    static final short RTM_NEWADDR = 20;
    static final short RTM_DELADDR = 21;
    static final short NLMSG_ERROR = 2;
    static final short NLM_F_REQUEST = 0x1;
    static final short NLM_F_ACK = 0x4;
    static final short NLM_F_REPLACE = 0x100;
    static final short NLM_F_CREATE = 0x400;
    static final short IFA_ADDRESS = 1;
    static final short IFA_LOCAL = 2;
    static final int RT_SCOPE_UNIVERSE = 0;
    private static final int NLMSG_HDR = 16;
    private static final int IFADDRMSG = 8;
    private static final int RTA_ADDR4 = 8;

    private RtNetlink() {
    }

    /** Adds {@code prefix} to the interface; already present counts as success (idempotent). */
    public static void addAddress(int ifindex, Ipv4.Prefix prefix) throws NativeIoException {
        int err = request(RTM_NEWADDR, (short) (NLM_F_CREATE | NLM_F_REPLACE), ifindex, prefix);
        if (err != 0 && err != Errno.EEXIST) {
            throw new NativeIoException("RTM_NEWADDR " + prefix, err);
        }
    }

    /** Removes {@code prefix}; absent counts as success (idempotent). */
    public static void removeAddress(int ifindex, Ipv4.Prefix prefix) throws NativeIoException {
        int err = request(RTM_DELADDR, (short) 0, ifindex, prefix);
        if (err != 0 && err != Errno.EADDRNOTAVAIL && err != Errno.ENODEV) {
            throw new NativeIoException("RTM_DELADDR " + prefix, err);
        }
    }

    /** Sends one request; returns 0 on ACK or the positive errno of the kernel's answer. */
    private static int request(short type, short extraFlags, int ifindex, Ipv4.Prefix prefix) throws NativeIoException {
        int fd = Libc.check("socket(AF_NETLINK, NETLINK_ROUTE)",
                Libc.socket(LinuxNet.AF_NETLINK, LinuxNet.SOCK_RAW | LinuxNet.SOCK_CLOEXEC, NETLINK_ROUTE));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment local = a.allocate(SockAddrs.SOCKADDR_NL_SIZE, 4);
            SockAddrs.writeNetlink(local, 0, 0);
            Libc.check("bind(netlink)", Libc.bind(fd, local, SockAddrs.SOCKADDR_NL_SIZE));
            int len = NLMSG_HDR + IFADDRMSG + 2 * RTA_ADDR4;
            MemorySegment msg = a.allocate(len, 4);
            int seq = (int) (System.nanoTime() & 0x7fffffff);
            // struct nlmsghdr {u32 len; u16 type; u16 flags; u32 seq; u32 pid}
            msg.set(ValueLayout.JAVA_INT, 0, len);
            msg.set(ValueLayout.JAVA_SHORT, 4, type);
            msg.set(ValueLayout.JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_ACK | extraFlags));
            msg.set(ValueLayout.JAVA_INT, 8, seq);
            msg.set(ValueLayout.JAVA_INT, 12, 0);
            // struct ifaddrmsg {u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index}
            msg.set(ValueLayout.JAVA_BYTE, 16, (byte) LinuxNet.AF_INET);
            msg.set(ValueLayout.JAVA_BYTE, 17, (byte) prefix.length());
            msg.set(ValueLayout.JAVA_BYTE, 18, (byte) 0);
            msg.set(ValueLayout.JAVA_BYTE, 19, (byte) RT_SCOPE_UNIVERSE);
            msg.set(ValueLayout.JAVA_INT, 20, ifindex);
            writeAddrAttr(msg, 24, IFA_LOCAL, prefix.address());
            writeAddrAttr(msg, 32, IFA_ADDRESS, prefix.address());
            MemorySegment kernel = a.allocate(SockAddrs.SOCKADDR_NL_SIZE, 4);
            SockAddrs.writeNetlink(kernel, 0, 0);
            Libc.check("sendto(netlink)", Libc.sendto(fd, msg, len, 0, kernel, SockAddrs.SOCKADDR_NL_SIZE));
            MemorySegment reply = a.allocate(8192, 8);
            for (int attempt = 0; attempt < 16; attempt++) {
                long n = Libc.check("recvfrom(netlink)", Libc.recvfrom(fd, reply, reply.byteSize(), 0,
                        MemorySegment.NULL, MemorySegment.NULL));
                int off = 0;
                while (off + NLMSG_HDR <= n) {
                    int mlen = reply.get(ValueLayout.JAVA_INT, off);
                    short mtype = reply.get(ValueLayout.JAVA_SHORT, off + 4);
                    int mseq = reply.get(ValueLayout.JAVA_INT, off + 8);
                    if (mtype == NLMSG_ERROR && mseq == seq) {
                        return -reply.get(ValueLayout.JAVA_INT, off + NLMSG_HDR);
                    }
                    if (mlen < NLMSG_HDR) {
                        break;
                    }
                    off += (mlen + 3) & ~3;
                }
            }
            throw new NativeIoException("rtnetlink: no answer to request " + seq, Errno.EINVAL);
        } finally {
            Libc.close(fd);
        }
    }

    /** struct rtattr {u16 len; u16 type} followed by the 4-byte address in network order. */
    private static void writeAddrAttr(MemorySegment msg, int off, short type, int address) {
        msg.set(ValueLayout.JAVA_SHORT, off, (short) RTA_ADDR4);
        msg.set(ValueLayout.JAVA_SHORT, off + 2, type);
        msg.set(SockAddrs.BE_INT, off + 4, address);
    }
}
