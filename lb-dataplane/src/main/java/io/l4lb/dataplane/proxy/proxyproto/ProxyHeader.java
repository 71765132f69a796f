package io.l4lb.dataplane.proxy.proxyproto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers (haproxy.org proxy-protocol.txt) written to a real server before any
 * payload: {@code send-proxy} is the text v1 line, {@code send-proxy-v2} the binary v2 block with
 * command PROXY and no TLVs. IPv4-mapped IPv6 addresses are sent as IPv4; a connection whose two
 * ends are of different families is sent as TCP6 with the IPv4 end mapped (section 2.1).
 */
public final class ProxyHeader {
    /** The 12-byte v2 signature (section 2.2). */
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeader() {
    }

    /** {@code PROXY TCP4 src dst sport dport\r\n}, or {@code PROXY UNKNOWN\r\n} without addresses. */
    public static ByteBuf v1(ByteBufAllocator alloc, InetSocketAddress src, InetSocketAddress dst) {
        String line;
        if (src == null || dst == null) {
            line = "PROXY UNKNOWN\r\n";
        } else {
            byte[] s = unmap(src.getAddress());
            byte[] d = unmap(dst.getAddress());
            if (s.length != d.length) {
                s = toV6(s);
                d = toV6(d);
            }
            line = "PROXY " + (s.length == 4 ? "TCP4 " : "TCP6 ") + text(s) + " " + text(d) + " "
                    + src.getPort() + " " + dst.getPort() + "\r\n";
        }
        ByteBuf b = alloc.buffer(line.length());
        b.writeCharSequence(line, StandardCharsets.US_ASCII);
        return b;
    }

    /** The binary v2 header: signature, ver/cmd 0x21, family 0x11 (TCP4) or 0x21 (TCP6), addresses. */
    public static ByteBuf v2(ByteBufAllocator alloc, InetSocketAddress src, InetSocketAddress dst) {
        if (src == null || dst == null) {
            ByteBuf b = alloc.buffer(16);
            b.writeBytes(V2_SIGNATURE).writeByte(0x20).writeByte(0x00).writeShort(0); // LOCAL, UNSPEC
            return b;
        }
        byte[] s = unmap(src.getAddress());
        byte[] d = unmap(dst.getAddress());
        if (s.length != d.length) {
            s = toV6(s);
            d = toV6(d);
        }
        int addrLen = s.length == 4 ? 12 : 36;
        ByteBuf b = alloc.buffer(16 + addrLen);
        b.writeBytes(V2_SIGNATURE);
        b.writeByte(0x21); // version 2, command PROXY
        b.writeByte(s.length == 4 ? 0x11 : 0x21); // AF_INET|AF_INET6, STREAM
        b.writeShort(addrLen);
        b.writeBytes(s).writeBytes(d).writeShort(src.getPort()).writeShort(dst.getPort());
        return b;
    }

    static byte[] unmap(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return b;
                }
            }
            if (b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                return new byte[] {b[12], b[13], b[14], b[15]};
            }
        }
        return b;
    }

    private static byte[] toV6(byte[] a) {
        if (a.length == 16) {
            return a;
        }
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(a, 0, b, 12, 4);
        return b;
    }

    private static String text(byte[] a) {
        try {
            InetAddress ia = InetAddress.getByAddress(a);
            return ia instanceof Inet4Address ? ia.getHostAddress() : ia.getHostAddress().replaceAll("%.*$", "");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }
}
