package io.l4lb.core.sched;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic 64-bit hashes of server names and flow keys: the same on every JVM, so two load
 * balancers with the same config build the same Maglev table. FNV-1a over the UTF-8 bytes with a
 * seed, finished with MurmurHash3's {@code fmix64} avalanche.
 */
public final class NameHash {
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;

    private NameHash() {
    }

    public static long hash64(String name, long seed) {
        long h = FNV_OFFSET ^ fmix64(seed);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return fmix64(h);
    }

    /** MurmurHash3 64-bit finaliser. */
    public static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** MurmurHash3 32-bit finaliser: spreads a flow hash whose low bits may be poor. */
    public static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
