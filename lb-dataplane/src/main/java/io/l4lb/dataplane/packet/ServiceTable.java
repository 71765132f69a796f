package io.l4lb.dataplane.packet;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's immutable view of its virtual services: (VIP, port, proto) -> service and the VIP
 * set (for ARP), in open-addressing arrays so a lookup neither allocates nor locks. Built on the
 * control plane, published with one volatile write ({@link PacketPlane#setServices}).
 */
public final class ServiceTable {
    public static final ServiceTable EMPTY = new Builder().build();

    private final long[] keys;
    private final VirtualService[] services;
    private final int[] vips;
    private final boolean[] vipUsed;
    private final int mask;
    private final int vipMask;
    private final List<VirtualService> list;

    private ServiceTable(List<VirtualService> list) {
        this.list = List.copyOf(list);
        int cap = Integer.highestOneBit(Math.max(4, list.size() * 4) - 1) << 1;
        this.mask = cap - 1;
        this.keys = new long[cap];
        this.services = new VirtualService[cap];
        this.vipMask = mask;
        this.vips = new int[cap];
        this.vipUsed = new boolean[cap];
        for (VirtualService s : list) {
            long k = key(s.vip(), s.port(), s.proto());
            int i = FlowHash.mix((int) (k ^ (k >>> 32))) & mask;
            while (services[i] != null) {
                if (keys[i] == k) {
                    throw new IllegalArgumentException("duplicate virtual service " + s);
                }
                i = (i + 1) & mask;
            }
            keys[i] = k;
            services[i] = s;
            int j = FlowHash.mix(s.vip()) & vipMask;
            while (vipUsed[j] && vips[j] != s.vip()) {
                j = (j + 1) & vipMask;
            }
            vipUsed[j] = true;
            vips[j] = s.vip();
        }
    }

    private static long key(int vip, int port, int proto) {
        return ((long) vip << 32) | ((long) port << 8) | proto;
    }

    /** Hot path: is {@code ip} one of our VIPs? */
    public boolean isVip(int ip) {
        int j = FlowHash.mix(ip) & vipMask;
        while (vipUsed[j]) {
            if (vips[j] == ip) {
                return true;
            }
            j = (j + 1) & vipMask;
        }
        return false;
    }

    /** Hot path: the service on VIP:port/proto, or null. */
    public VirtualService lookup(int vip, int port, int proto) {
        long k = key(vip, port, proto);
        int i = FlowHash.mix((int) (k ^ (k >>> 32))) & mask;
        VirtualService s;
        while ((s = services[i]) != null) {
            if (keys[i] == k) {
                return s;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    public List<VirtualService> services() {
        return list;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects services; {@link #build} rejects duplicates. */
    public static final class Builder {
        private final List<VirtualService> list = new ArrayList<>();

        public Builder add(VirtualService s) {
            list.add(s);
            return this;
        }

        public ServiceTable build() {
            return new ServiceTable(list);
        }
    }
}
