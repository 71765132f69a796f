package io.l4lb.dataplane.vrrp;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.function.LongSupplier;

/**
 * l4lb's HMAC-SHA256 trailer for VRRPv3 adverts (VRRPv3 itself has no authentication, RFC 5798
 * §9; keepalived 2.2.7 has none for v3 and no published auth_hmac format was found, so this
 * format is our own, documented in docs/vrrp.md). 48 bytes follow the VRRP message:
 *
 * <pre>
 *  0  magic "L4H1"            4  key id (u8) + 3 zero bytes
 *  8  sequence (u64, BE)      16 HMAC-SHA256(key, src | dst | VRRP message | trailer[0..16)) (32)
 * </pre>
 *
 * src/dst are the IPv4 source and destination (4 bytes each). The sequence starts at the wall
 * clock in microseconds and grows by one per advert, so it keeps growing across restarts. A
 * receiver accepts a sender's sequence only when above the last one it accepted from that source;
 * the first advert from a source must be within {@link #FRESHNESS_MICROS} of the receiver's wall
 * clock (so a capture replayed to a freshly started node is refused).
 *
 * <p>Threading: one instance per VRRP thread; allocation-free after construction.
 */
public final class VrrpAuth {
    public static final int TRAILER_LENGTH = 48;
    public static final int MAGIC = 0x4C344831; // "L4H1"
    public static final long FRESHNESS_MICROS = 60_000_000L;
    private static final int MAX_PEERS = 64;
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final int MIN_KEY_BYTES = 16;

    /** RFC 2104 HMAC over one reusable SHA-256 (javax.crypto.Mac allocates its inner digest per call). */
    private final MessageDigest sha256;
    private final byte[] innerPad = new byte[64];
    private final byte[] outerPad = new byte[64];
    private final byte[] inner = new byte[32];
    private final int keyId;
    private final LongSupplier wallMicros;
    private final byte[] scratch = new byte[2048];
    private final byte[] computed = new byte[32];
    private final byte[] received = new byte[32];
    private final int[] peerSources = new int[MAX_PEERS];
    private final long[] peerLastSeq = new long[MAX_PEERS];
    private int peers;
    private long lastSent;

    public VrrpAuth(byte[] key, int keyId, LongSupplier wallMicros) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("VRRP auth key is " + key.length + " bytes (expected: at least "
                    + MIN_KEY_BYTES + ")");
        }
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        byte[] k = key.length > 64 ? sha256.digest(key) : key;
        for (int i = 0; i < 64; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
        this.keyId = keyId & 0xFF;
        this.wallMicros = wallMicros;
    }

    /** Reads the key file: its bytes with trailing whitespace (the newline editors add) removed. */
    public static VrrpAuth fromKeyFile(Path file, LongSupplier wallMicros) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        int end = raw.length;
        while (end > 0 && Character.isWhitespace(raw[end - 1])) {
            end--;
        }
        try {
            return new VrrpAuth(java.util.Arrays.copyOf(raw, end), 0, wallMicros);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Wall clock in microseconds (millisecond resolution: the sequence adds one per advert anyway). */
    public static LongSupplier systemWallMicros() {
        return () -> System.currentTimeMillis() * 1000L;
    }

    /** Appends the trailer after the {@code len}-byte VRRP message at {@code off}, with the next sequence. */
    public void sign(MemorySegment buf, long off, int len, int src, int dst) {
        long seq = Math.max(lastSent + 1, wallMicros.getAsLong());
        lastSent = seq;
        long t = off + len;
        buf.set(VrrpPacket.BE_INT, t, MAGIC);
        buf.set(VrrpPacket.BE_INT, t + 4, keyId << 24);
        buf.set(BE_LONG, t + 8, seq);
        hmac(buf, off, len, src, dst, computed);
        MemorySegment.copy(computed, 0, buf, ValueLayout.JAVA_BYTE, t + 16, 32);
    }

    /** Re-signs an already signed message for another destination, keeping its sequence. */
    public void resign(MemorySegment buf, long off, int len, int src, int dst) {
        hmac(buf, off, len, src, dst, computed);
        MemorySegment.copy(computed, 0, buf, ValueLayout.JAVA_BYTE, off + len + 16, 32);
    }

    /**
     * Verifies the trailer after the {@code len}-byte message; {@code null} when it verifies (and
     * the sequence is then remembered), else {@link DropReason#AUTH} or {@link DropReason#REPLAY}.
     */
    public DropReason verify(MemorySegment buf, long off, int len, int src, int dst) {
        long t = off + len;
        if (buf.get(VrrpPacket.BE_INT, t) != MAGIC || ((buf.get(VrrpPacket.BE_INT, t + 4) >>> 24) & 0xFF) != keyId
                || len + TRAILER_LENGTH > scratch.length) {
            return DropReason.AUTH;
        }
        hmac(buf, off, len, src, dst, computed);
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, t + 16, received, 0, 32);
        if (!MessageDigest.isEqual(computed, received)) {
            return DropReason.AUTH;
        }
        long seq = buf.get(BE_LONG, t + 8);
        int slot = slotOf(src);
        if (slot >= 0) {
            if (seq <= peerLastSeq[slot]) {
                return DropReason.REPLAY;
            }
            peerLastSeq[slot] = seq;
            return null;
        }
        if (Math.abs(seq - wallMicros.getAsLong()) > FRESHNESS_MICROS) {
            return DropReason.REPLAY;
        }
        int s = peers < MAX_PEERS ? peers++ : (int) Math.floorMod(seq, (long) MAX_PEERS);
        peerSources[s] = src;
        peerLastSeq[s] = seq;
        return null;
    }

    private int slotOf(int src) {
        for (int i = 0; i < peers; i++) {
            if (peerSources[i] == src) {
                return i;
            }
        }
        return -1;
    }

    private void hmac(MemorySegment buf, long off, int len, int src, int dst, byte[] out) {
        writeInt(scratch, 0, src);
        writeInt(scratch, 4, dst);
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, off, scratch, 8, len + 16);
        try {
            sha256.update(innerPad);
            sha256.update(scratch, 0, 8 + len + 16);
            sha256.digest(inner, 0, 32);
            sha256.update(outerPad);
            sha256.update(inner);
            sha256.digest(out, 0, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
