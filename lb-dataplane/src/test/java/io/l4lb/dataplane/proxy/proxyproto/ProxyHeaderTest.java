package io.l4lb.dataplane.proxy.proxyproto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProxyHeaderTest {
    private static final UnpooledByteBufAllocator A = UnpooledByteBufAllocator.DEFAULT;

    private static byte[] bytes(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    @Test
    void v1Tcp4AndTcp6AndUnknown() {
        assertEquals("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n", new String(bytes(ProxyHeader.v1(A,
                new InetSocketAddress("192.0.2.1", 56324), new InetSocketAddress("198.51.100.2", 443))),
                StandardCharsets.US_ASCII));
        assertEquals("PROXY TCP6 2001:db8:0:0:0:0:0:1 2001:db8:0:0:0:0:0:2 1 2\r\n", new String(bytes(ProxyHeader.v1(A,
                new InetSocketAddress("2001:db8::1", 1), new InetSocketAddress("2001:db8::2", 2))),
                StandardCharsets.US_ASCII));
        assertEquals("PROXY UNKNOWN\r\n", new String(bytes(ProxyHeader.v1(A, null, null)), StandardCharsets.US_ASCII));
        // IPv4-mapped client on a dual-stack listener is sent as IPv4.
        assertEquals("PROXY TCP4 192.0.2.1 192.0.2.9 5 6\r\n", new String(bytes(ProxyHeader.v1(A,
                new InetSocketAddress("::ffff:192.0.2.1", 5), new InetSocketAddress("192.0.2.9", 6))),
                StandardCharsets.US_ASCII));
    }

    @Test
    void v2Tcp4IsByteExact() {
        byte[] got = bytes(ProxyHeader.v2(A, new InetSocketAddress("192.0.2.1", 0x1234),
                new InetSocketAddress("198.51.100.2", 443)));
        assertArrayEquals(HexFormat.of().parseHex(
                "0d0a0d0a000d0a515549540a" + "21" + "11" + "000c" + "c0000201" + "c6336402" + "1234" + "01bb"), got);
    }

    @Test
    void v2Tcp6AndLocal() {
        byte[] got = bytes(ProxyHeader.v2(A, new InetSocketAddress("2001:db8::1", 1),
                new InetSocketAddress("2001:db8::2", 2)));
        assertArrayEquals(HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "21" + "21" + "0024"
                + "20010db8000000000000000000000001" + "20010db8000000000000000000000002" + "0001" + "0002"), got);
        assertArrayEquals(HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000"),
                bytes(ProxyHeader.v2(A, null, null)));
    }
}
