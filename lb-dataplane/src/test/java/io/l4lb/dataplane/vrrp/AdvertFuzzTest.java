package io.l4lb.dataplane.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.l4lb.dataplane.nativeio.Ipv4;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 10,000 malformed or forged adverts through the receive pipeline (validator, then the state
 * machine only if accepted): none may be accepted, none may crash, the master stays master with
 * its timer untouched, and each is dropped for the reason its mutation implies.
 */
class AdvertFuzzTest {
    static final int SRC = Ipv4.parse("10.1.0.2");
    static final int DST = Ipv4.parse("10.1.0.1");
    static final int[] VIPS = {Ipv4.parse("10.1.0.100"), Ipv4.parse("10.1.0.101")};
    static final byte[] KEY = "0123456789abcdef-l4lb-test-key".getBytes();
    final AtomicLong wall = new AtomicLong(1_700_000_000_000_000L);

    @Test
    void tenThousandForgedAdvertsChangeNothing() {
        VrrpAuth senderAuth = new VrrpAuth(KEY, 0, wall::get);
        VrrpAuth receiverAuth = new VrrpAuth(KEY, 0, wall::get);
        AdvertValidator v = new AdvertValidator(42, VIPS, new int[] {SRC}, receiverAuth);
        VrrpStateMachine m = new VrrpStateMachine(255, 10, true, 0, DST);
        m.onEvent(VrrpStateMachine.Event.STARTUP, 0);
        m.setPriority(100);
        long deadline = m.nextDeadline(0);
        AdvertValidator.Received rx = new AdvertValidator.Received();
        Random rnd = new Random(5798);
        Map<DropReason, Integer> byReason = new EnumMap<>(DropReason.class);
        byte[] buf = new byte[256];
        byte[] replayable = null;
        int replayableLen = 0;
        for (int i = 0; i < 10_000; i++) {
            java.util.Arrays.fill(buf, (byte) 0);
            wall.addAndGet(1000);
            // A valid, higher-priority advert from the peer: accepted it would make us backup.
            int len = TestAdverts.build(buf, SRC, DST, 42, 200, 10, VIPS, senderAuth);
            int msgLen = VrrpPacket.length(VIPS.length);
            int kind = i % 13;
            DropReason expected;
            switch (kind) {
                case 0 -> { len = rnd.nextInt(len); expected = null; }
                case 1 -> {
                    int count = pickOtherThan(rnd, 2);
                    buf[23] = (byte) count;
                    // 14 addresses are exactly the length of 2 plus the trailer: read as "no trailer".
                    expected = count == 14 ? DropReason.AUTH : DropReason.LENGTH;
                }
                case 2 -> { buf[20] = (byte) ((pickOtherThan(rnd, 3) << 4) | 1); expected = DropReason.VERSION; }
                case 3 -> { buf[26] ^= (byte) (1 + rnd.nextInt(255)); expected = DropReason.CHECKSUM; }
                case 4 -> { buf[8] = (byte) rnd.nextInt(255); expected = DropReason.TTL; }
                case 5 -> { buf[20 + msgLen + 16 + rnd.nextInt(32)] ^= (byte) (1 + rnd.nextInt(255)); expected = DropReason.AUTH; }
                case 6 -> { buf[22] = 0; TestAdverts.fixChecksum(buf, msgLen); expected = DropReason.AUTH; }
                case 7 -> { buf[21] = (byte) (43 + rnd.nextInt(200)); TestAdverts.fixChecksum(buf, msgLen); expected = DropReason.VRID; }
                case 8 -> { setSource(buf, Ipv4.parse("10.1.0.66")); TestAdverts.fixChecksum(buf, msgLen); expected = DropReason.UNKNOWN_PEER; }
                case 9 -> { len = 20 + msgLen; buf[2] = 0; buf[3] = (byte) len; expected = DropReason.AUTH; }
                case 10 -> { rnd.nextBytes(buf); len = rnd.nextInt(buf.length + 1); expected = null; }
                case 11 -> { buf[20 + msgLen + 8 + 7] ^= 1; expected = DropReason.AUTH; } // sequence edited
                default -> {
                    if (replayable == null) {
                        // The attacker's capture: a genuine advert our receiver once accepted (outside
                        // the machine, before the fuzzing); from now on it is only ever replayed.
                        replayable = buf.clone();
                        replayableLen = len;
                        assertNull(v.validate(MemorySegment.ofArray(buf), len, rx), "the unmutated advert must pass");
                        continue;
                    }
                    System.arraycopy(replayable, 0, buf, 0, buf.length);
                    len = replayableLen;
                    expected = DropReason.REPLAY;
                }
            }
            DropReason r = v.validate(MemorySegment.ofArray(buf), len, rx);
            assertNotNull(r, "forged advert accepted, case " + kind + " #" + i);
            if (r == null) {
                m.onAdvert(rx.priority, rx.source, rx.intervalCs, 1);
            }
            if (expected != null) {
                assertEquals(expected, r, "case " + kind + " #" + i);
            }
            byReason.merge(r, 1, Integer::sum);
        }
        assertEquals(VrrpStateMachine.State.MASTER, m.state());
        assertEquals(deadline, m.nextDeadline(0));
        assertEquals(10_000 - 1, byReason.values().stream().mapToInt(Integer::intValue).sum());
    }

    /** The replay window: a sequence seen once is refused the second time; a stale first advert too. */
    @Test
    void replayAndFreshness() {
        VrrpAuth sender = new VrrpAuth(KEY, 0, wall::get);
        VrrpAuth receiver = new VrrpAuth(KEY, 0, wall::get);
        AdvertValidator v = new AdvertValidator(42, VIPS, new int[0], receiver);
        AdvertValidator.Received rx = new AdvertValidator.Received();
        byte[] buf = new byte[256];
        int len = TestAdverts.build(buf, SRC, DST, 42, 200, 10, VIPS, sender);
        byte[] first = buf.clone();
        assertNull(v.validate(MemorySegment.ofArray(buf), len, rx));
        assertEquals(200, rx.priority);
        assertEquals(DropReason.REPLAY, v.validate(MemorySegment.ofArray(first), len, rx));
        len = TestAdverts.build(buf, SRC, DST, 42, 200, 10, VIPS, sender);
        assertNull(v.validate(MemorySegment.ofArray(buf), len, rx), "the next sequence passes");
        // A fresh receiver refuses a capture older than the freshness window.
        wall.addAndGet(VrrpAuth.FRESHNESS_MICROS + 10);
        AdvertValidator fresh = new AdvertValidator(42, VIPS, new int[0], new VrrpAuth(KEY, 0, wall::get));
        assertEquals(DropReason.REPLAY, fresh.validate(MemorySegment.ofArray(buf), len, rx));
        // A different key is refused.
        AdvertValidator other = new AdvertValidator(42, VIPS, new int[0],
                new VrrpAuth("another-key-of-sixteen-bytes".getBytes(), 0, wall::get));
        len = TestAdverts.build(buf, SRC, DST, 42, 200, 10, VIPS, sender);
        assertEquals(DropReason.AUTH, other.validate(MemorySegment.ofArray(buf), len, rx));
    }

    /** Our RFC 2104 HMAC equals javax.crypto's HmacSHA256 over the documented input. */
    @Test
    void trailerIsHmacSha256OfTheDocumentedInput() throws Exception {
        VrrpAuth sender = new VrrpAuth(KEY, 0, wall::get);
        byte[] buf = new byte[256];
        int len = TestAdverts.build(buf, SRC, DST, 42, 200, 10, VIPS, sender);
        int msg = VrrpPacket.length(VIPS.length);
        assertEquals(20 + msg + VrrpAuth.TRAILER_LENGTH, len);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        mac.update(java.util.Arrays.copyOfRange(buf, 12, 20)); // IPv4 source, destination
        mac.update(buf, 20, msg + 16);                         // VRRP message + trailer head
        byte[] expected = mac.doFinal();
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected,
                java.util.Arrays.copyOfRange(buf, 20 + msg + 16, 20 + msg + 48));
        assertEquals("L4H1", new String(buf, 20 + msg, 4, java.nio.charset.StandardCharsets.US_ASCII));
        // A key longer than the SHA-256 block is hashed first (RFC 2104 §2).
        byte[] longKey = new byte[100];
        java.util.Arrays.fill(longKey, (byte) 7);
        len = TestAdverts.build(buf, SRC, DST, 42, 200, 10, VIPS, new VrrpAuth(longKey, 0, wall::get));
        mac.init(new javax.crypto.spec.SecretKeySpec(longKey, "HmacSHA256"));
        mac.update(java.util.Arrays.copyOfRange(buf, 12, 20));
        mac.update(buf, 20, msg + 16);
        org.junit.jupiter.api.Assertions.assertArrayEquals(mac.doFinal(),
                java.util.Arrays.copyOfRange(buf, 20 + msg + 16, 20 + msg + 48));
    }

    @Test
    void addressChecksWithoutAuth() {
        AdvertValidator v = new AdvertValidator(42, VIPS, new int[0], null);
        AdvertValidator.Received rx = new AdvertValidator.Received();
        byte[] buf = new byte[256];
        int len = TestAdverts.build(buf, SRC, DST, 42, 100, 100, VIPS, null);
        assertNull(v.validate(MemorySegment.ofArray(buf), len, rx));
        len = TestAdverts.build(buf, SRC, DST, 42, 100, 100, new int[] {VIPS[0]}, null);
        assertEquals(DropReason.ADDRESS_COUNT, v.validate(MemorySegment.ofArray(buf), len, rx));
        len = TestAdverts.build(buf, SRC, DST, 42, 100, 100, new int[] {VIPS[0], Ipv4.parse("10.9.9.9")}, null);
        assertEquals(DropReason.ADDRESS_LIST, v.validate(MemorySegment.ofArray(buf), len, rx));
        len = TestAdverts.build(buf, SRC, DST, 42, 100, 0, VIPS, null);
        assertEquals(DropReason.INTERVAL, v.validate(MemorySegment.ofArray(buf), len, rx));
        len = TestAdverts.build(buf, SRC, DST, 42, 100, 100, VIPS, null);
        buf[20] = 0x32;
        TestAdverts.fixChecksum(buf, VrrpPacket.length(2));
        assertEquals(DropReason.TYPE, v.validate(MemorySegment.ofArray(buf), len, rx));
    }

    private static int pickOtherThan(Random rnd, int not) {
        int x;
        do {
            x = rnd.nextInt(16);
        } while (x == not);
        return x;
    }

    private static void setSource(byte[] buf, int ip) {
        buf[12] = (byte) (ip >>> 24);
        buf[13] = (byte) (ip >>> 16);
        buf[14] = (byte) (ip >>> 8);
        buf[15] = (byte) ip;
    }
}
