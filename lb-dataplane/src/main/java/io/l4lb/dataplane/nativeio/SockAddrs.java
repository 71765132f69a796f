package io.l4lb.dataplane.nativeio;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Writers for the C socket address structs, at their Linux layouts. */
public final class SockAddrs {
    /** sizeof(struct sockaddr_in). */
    public static final int SOCKADDR_IN_SIZE = 16;
    /** sizeof(struct sockaddr_ll). */
    public static final int SOCKADDR_LL_SIZE = 20;
    /** sizeof(struct sockaddr_nl). */
    public static final int SOCKADDR_NL_SIZE = 12;

    static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort NATIVE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt NATIVE_INT = ValueLayout.JAVA_INT_UNALIGNED;

    private SockAddrs() {
    }

    /** struct sockaddr_in {sa_family_t (host order); in_port_t (BE); struct in_addr (BE); zero[8]}. */
    public static void writeInet(MemorySegment sa, int ipv4, int port) {
        sa.asSlice(0, SOCKADDR_IN_SIZE).fill((byte) 0);
        sa.set(NATIVE_SHORT, 0, (short) LinuxNet.AF_INET);
        sa.set(BE_SHORT, 2, (short) port);
        sa.set(BE_INT, 4, ipv4);
    }

    /** Updates only the address of a sockaddr_in written by {@link #writeInet} (allocation-free). */
    public static void setInetAddress(MemorySegment sa, int ipv4) {
        sa.set(BE_INT, 4, ipv4);
    }

    /** struct sockaddr_ll for sending: family, protocol (BE), ifindex, hatype, pkttype, halen, addr[8]. */
    public static void writeLinkLayer(MemorySegment sa, int protocol, int ifindex, byte[] dstMac) {
        sa.asSlice(0, SOCKADDR_LL_SIZE).fill((byte) 0);
        sa.set(NATIVE_SHORT, 0, (short) LinuxNet.AF_PACKET);
        sa.set(BE_SHORT, 2, (short) protocol);
        sa.set(NATIVE_INT, 4, ifindex);
        sa.set(ValueLayout.JAVA_BYTE, 11, (byte) dstMac.length);
        MemorySegment.copy(dstMac, 0, sa, ValueLayout.JAVA_BYTE, 12, dstMac.length);
    }

    /** struct sockaddr_nl {family; pad; pid; groups}: pid 0 addresses the kernel. */
    public static void writeNetlink(MemorySegment sa, int pid, int groups) {
        sa.asSlice(0, SOCKADDR_NL_SIZE).fill((byte) 0);
        sa.set(NATIVE_SHORT, 0, (short) LinuxNet.AF_NETLINK);
        sa.set(NATIVE_INT, 4, pid);
        sa.set(NATIVE_INT, 8, groups);
    }
}
