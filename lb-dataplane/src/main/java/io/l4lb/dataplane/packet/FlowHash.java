package io.l4lb.dataplane.packet;

/**
 * Deterministic flow hashes. No per-process seed on purpose: two LBs with the same config must
 * compute the same hash for the same flow so the Maglev lookup sends it to the same real server
 * (the failover property). The mixer is the murmur3 32-bit finaliser (fmix32) over the fields.
 */
public final class FlowHash {
    private FlowHash() {
    }

    /** Hash of the 5-tuple; direction matters (the LB sees only client -> VIP). */
    public static int fiveTuple(int srcIp, int dstIp, int srcPort, int dstPort, int proto) {
        int h = mix(srcIp * 0x9E3779B1 + dstIp);
        h = mix(h ^ ((srcPort << 16) | dstPort));
        return mix(h ^ proto);
    }

    /** Hash used by persistent services ({@code persist T}) and templates: client address only. */
    public static int client(int srcIp) {
        return mix(srcIp ^ 0x5bd1e995);
    }

    static int mix(int x) {
        int h = x;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
