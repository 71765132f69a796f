package io.l4lb.dataplane.packet.wire;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.l4lb.dataplane.packet.fixtures.FrameBuilder;
import io.l4lb.dataplane.packet.fixtures.GsoFrames;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpSegmenter} against super-frames and expected segments built field by field
 * ({@link GsoFrames}), byte for byte; every output is also checked on its own (header and TCP
 * checksums verified with the fixture builder's RFC 1071 code, payload reassembled).
 */
class TcpSegmenterTest {
    private static final int HEADROOM = 64;
    private final Arena arena = Arena.ofAuto();

    @Test
    void payloadDividedEvenlyWithIpAndTcpOptions() {
        GsoFrames g = new GsoFrames(1000, 0x1234, GsoFrames.TCP_CWR | GsoFrames.TCP_FIN | PSH_ACK, 3000, 1000,
                FrameBuilder.hex("9404 0000"), GsoFrames.TIMESTAMPS); // IP option: router alert
        List<byte[]> out = segment(g);
        assertSegments(g, out);
        assertEquals(3, out.size());
        // flags: CWR only on the first, FIN and PSH only on the last
        assertEquals(0x90, out.get(0)[20 + 24 + 13] & 0xff);
        assertEquals(0x10, out.get(1)[20 + 24 + 13] & 0xff);
        assertEquals(0x19, out.get(2)[20 + 24 + 13] & 0xff);
    }

    @Test
    void lastSegmentCarriesTheRemainder() {
        GsoFrames g = GsoFrames.of(2500, 1000);
        List<byte[]> out = segment(g);
        assertSegments(g, out);
        assertEquals(List.of(20 + 20 + 32 + 1000, 20 + 20 + 32 + 1000, 20 + 20 + 32 + 500),
                out.stream().map(b -> b.length).toList());
    }

    @Test
    void sequenceNumberAndIdentificationWrap() {
        GsoFrames g = new GsoFrames(0xffff_fe00, 0xffff, PSH_ACK, 3 * 512, 512, new byte[0], new byte[0]);
        List<byte[]> out = segment(g);
        assertSegments(g, out);
        assertEquals(List.of("fffffe00", "00000000", "00000200"), out.stream()
                .map(b -> HexFormat.of().formatHex(b, 40 + 4, 40 + 8)).toList());
        assertEquals(List.of("ffff", "0000", "0001"), out.stream()
                .map(b -> HexFormat.of().formatHex(b, 20 + 4, 20 + 6)).toList());
    }

    /** Headers (20 + 20 + 32 bytes) longer than a chunk: each segment's headers overwrite more than one sent chunk. */
    @Test
    void segmentsSmallerThanTheirHeaders() {
        GsoFrames g = GsoFrames.of(101, 8);
        List<byte[]> out = segment(g);
        assertSegments(g, out);
        assertEquals(13, out.size());
    }

    @Test
    void noPayloadMeansNoSegment() {
        byte[] ip = GsoFrames.of(0, 1000).packet();
        MemorySegment s = load(ip);
        TcpSegmenter t = new TcpSegmenter(arena);
        assertEquals(0, t.begin(s, HEADROOM, 20, 32, ip.length, 1000, LB_IP, RS2));
        assertEquals(-1, t.next());
        assertThrows(IllegalArgumentException.class, () -> t.begin(s, HEADROOM, 20, 32, ip.length, 0, LB_IP, RS2));
    }

    private List<byte[]> segment(GsoFrames g) {
        byte[] ip = g.packet();
        MemorySegment s = load(ip);
        TcpSegmenter t = new TcpSegmenter(arena);
        int n = t.begin(s, HEADROOM, 20 + g.ipOptions().length, 20 + g.tcpOptions().length, ip.length, g.mss(),
                LB_IP, RS2);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i <= n; i++) { // one more call than segments: it must say "done"
            long at = t.next();
            if (at < 0) {
                break;
            }
            // as packet I/O does: the segment is copied out before the next one is written
            out.add(s.asSlice(at, t.length()).toArray(ValueLayout.JAVA_BYTE));
        }
        assertEquals(n, out.size());
        assertEquals(-1, t.next());
        return out;
    }

    private MemorySegment load(byte[] ip) {
        MemorySegment s = arena.allocate(HEADROOM + ip.length);
        MemorySegment.copy(ip, 0, s, ValueLayout.JAVA_BYTE, HEADROOM, ip.length);
        return s;
    }

    /** Byte-exact against the fixture, and each segment valid on its own. */
    static void assertSegments(GsoFrames g, List<byte[]> out) {
        List<byte[]> expected = g.expectedSegments();
        assertEquals(expected.size(), out.size());
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int k = 0; k < out.size(); k++) {
            assertEquals(HexFormat.of().formatHex(expected.get(k)), HexFormat.of().formatHex(out.get(k)), "segment " + k);
            payload.writeBytes(verify(out.get(k), g.mss()));
        }
        assertArrayEquals(GsoFrames.payload(g.payloadLen()), payload.toByteArray());
    }

    /** Checks an IPIP segment's two IPv4 header checksums and its TCP checksum; returns its payload. */
    static byte[] verify(byte[] p, int mss) {
        assertEquals(0x45, p[0] & 0xff);
        assertEquals(4, p[9]);
        assertEquals(p.length, u16(p, 2));
        assertEquals(0, FrameBuilder.checksum(p, 0, 20), "outer header checksum");
        int inner = 20;
        int ihl = (p[inner] & 0x0f) * 4;
        assertEquals(p.length - inner, u16(p, inner + 2), "inner total length");
        assertEquals(0, FrameBuilder.checksum(p, inner, ihl), "inner header checksum");
        int tcp = inner + ihl;
        int tcpLen = p.length - tcp;
        byte[] pseudo = new byte[12 + tcpLen];
        System.arraycopy(p, inner + 12, pseudo, 0, 8);
        pseudo[9] = 6;
        pseudo[10] = (byte) (tcpLen >>> 8);
        pseudo[11] = (byte) tcpLen;
        System.arraycopy(p, tcp, pseudo, 12, tcpLen);
        assertEquals(0, FrameBuilder.checksum(pseudo, 0, pseudo.length), "TCP checksum");
        int thl = ((p[tcp + 12] & 0xff) >>> 4) * 4;
        byte[] data = FrameBuilder.slice(p, tcp + thl, p.length);
        assertEquals(true, data.length <= mss, "segment payload within gso_size");
        return data;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
