package io.l4lb.dataplane.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class ClientHelloParserTest {
    static byte[] hello(String sni) throws Exception {
        SSLEngine e = SSLContext.getDefault().createSSLEngine();
        e.setUseClientMode(true);
        if (sni != null) {
            SSLParameters p = e.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            e.setSSLParameters(p);
        }
        ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.beginHandshake();
        e.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    private static ClientHello parse(byte[] b) {
        ByteBuf buf = Unpooled.wrappedBuffer(b);
        try {
            ClientHello h = ClientHelloParser.parse(buf);
            assertEquals(0, buf.readerIndex()); // never consumes
            return h;
        } finally {
            buf.release();
        }
    }

    @Test
    void readsTheServerNameOfARealHello() throws Exception {
        ClientHello h = parse(hello("api.example.com"));
        assertEquals(ClientHello.Status.FOUND, h.status());
        assertEquals("api.example.com", h.sni());
        assertEquals(1, h.helloType());
    }

    @Test
    void helloWithoutSniIsFoundWithNullName() throws Exception {
        ClientHello h = parse(hello(null));
        assertEquals(ClientHello.Status.FOUND, h.status());
        assertNull(h.sni());
    }

    @Test
    void everyPrefixNeedsMore() throws Exception {
        byte[] full = hello("a.example");
        for (int n = 1; n < full.length; n += 7) {
            assertEquals(ClientHello.Status.NEED_MORE, parse(Arrays.copyOf(full, n)).status(), "prefix " + n);
        }
    }

    @Test
    void malformedAndOversizedAreNotHellos() throws Exception {
        assertEquals(ClientHello.Status.NOT_HELLO, parse("GET / HTTP/1.1\r\n".getBytes()).status());
        assertEquals(ClientHello.Status.NOT_HELLO, parse(new byte[] {0x16, 3, 1, 0x40, 0x01, 1}).status());
        assertEquals(ClientHello.Status.NOT_HELLO, parse(new byte[] {0x16, 2, 0, 0, 4, 1, 0, 0, 0}).status());
        ClientHello serverHello = parse(new byte[] {0x16, 3, 3, 0, 4, 2, 0, 0, 0});
        assertEquals(ClientHello.Status.NOT_HELLO, serverHello.status());
        assertEquals(2, serverHello.helloType());
        byte[] lying = hello("a.example");
        lying[6] = 0x7f; // handshake length beyond the record
        assertEquals(ClientHello.Status.NOT_HELLO, parse(lying).status());
        byte[] badExt = hello("a.example");
        // Corrupt every byte after the fixed part one by one: never an exception, never a hang.
        for (int i = 43; i < badExt.length; i++) {
            byte[] c = badExt.clone();
            c[i] = (byte) 0xff;
            parse(c);
        }
    }
}
