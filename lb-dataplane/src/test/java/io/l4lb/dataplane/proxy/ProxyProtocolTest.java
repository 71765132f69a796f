package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** send-proxy / send-proxy-v2: the header precedes the payload, byte for byte (proxy-protocol.txt). */
@ExtendWith(NettyLeakExtension.class)
class ProxyProtocolTest {

    private static byte[] through(ServerConfig.ProxyProtocol pp, byte[] payload, int[] clientPort, int[] proxyPort)
            throws Exception {
        Recorder r = new Recorder("R", 1 << 16);
        try (r.origin) {
            var opts = ServerConfig.ServerOptions.DEFAULTS.withSendProxy(pp);
            BackendConfig be = BackendConfig.of("be", "rr",
                    List.of(ServerConfig.of("R", "127.0.0.1", r.origin.port()).withOptions(opts)));
            try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be)); Socket c = new Socket()) {
                c.bind(new InetSocketAddress("127.0.0.1", 0));
                c.connect(p.address, 5000);
                clientPort[0] = c.getLocalPort();
                proxyPort[0] = p.address.getPort();
                c.getOutputStream().write(payload);
                c.shutdownOutput();
                c.setSoTimeout(10_000);
                c.getInputStream().readAllBytes();
                return r.received.poll(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void v1HeaderIsTheTextLineBeforeThePayload() throws Exception {
        int[] cp = new int[1];
        int[] pp = new int[1];
        byte[] got = through(ServerConfig.ProxyProtocol.V1, "payload".getBytes(StandardCharsets.US_ASCII), cp, pp);
        String expected = "PROXY TCP4 127.0.0.1 127.0.0.1 " + cp[0] + " " + pp[0] + "\r\npayload";
        assertEquals(expected, new String(got, StandardCharsets.US_ASCII));
    }

    @Test
    void v2HeaderIsTheBinaryBlockBeforeThePayload() throws Exception {
        int[] cp = new int[1];
        int[] pp = new int[1];
        byte[] got = through(ServerConfig.ProxyProtocol.V2, "payload".getBytes(StandardCharsets.US_ASCII), cp, pp);
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        e.writeBytes(new byte[] {0x21, 0x11, 0x00, 0x0C}); // v2 PROXY, TCP over IPv4, 12 address bytes
        e.writeBytes(new byte[] {127, 0, 0, 1, 127, 0, 0, 1});
        e.writeBytes(new byte[] {(byte) (cp[0] >> 8), (byte) cp[0], (byte) (pp[0] >> 8), (byte) pp[0]});
        e.writeBytes("payload".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(e.toByteArray(), got);
    }
}
