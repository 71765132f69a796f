package io.l4lb.dataplane.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Deterministic pseudo-random streams and their SHA-256, for the integrity tests. */
final class Streams {
    private Streams() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code total} random bytes (seeded), returns their SHA-256 hex. Does not close. */
    static String write(OutputStream out, long total, long seed) throws IOException {
        MessageDigest md = sha256();
        SplittableRandom r = new SplittableRandom(seed);
        byte[] chunk = new byte[64 * 1024];
        long left = total;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            for (int i = 0; i < n; i += 8) {
                long v = r.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    chunk[i + j] = (byte) (v >>> (j * 8));
                }
            }
            out.write(chunk, 0, n);
            md.update(chunk, 0, n);
            left -= n;
        }
        out.flush();
        return HexFormat.of().formatHex(md.digest());
    }

    /** Reads to EOF; returns SHA-256 hex and the byte count as "hex/count". */
    static String read(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        long count = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
            count += n;
        }
        return HexFormat.of().formatHex(md.digest()) + "/" + count;
    }
}
