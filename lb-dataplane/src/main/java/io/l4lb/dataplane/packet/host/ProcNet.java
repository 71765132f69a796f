package io.l4lb.dataplane.packet.host;

import io.l4lb.dataplane.packet.wire.Bytes;
import java.util.HashMap;
import java.util.Map;

/**
 * Parsers for the kernel's IPv4 routing and neighbour tables as {@code /proc/net/route} and
 * {@code /proc/net/arp} show them (proc(5)). Pure: the caller reads the files, tests feed text.
 */
public final class ProcNet {
    /** ATF_COM in /proc/net/arp's Flags column: the entry is complete (the MAC is known). */
    static final int ATF_COM = 0x2;
    /** RTF_UP in /proc/net/route's Flags column. */
    static final int RTF_UP = 0x1;

    private ProcNet() {
    }

    /**
     * The interface of the longest-prefix route to {@code ip} in a {@code /proc/net/route} text, or
     * null. Destination and mask are hex in host (little-endian) byte order; ties on the prefix go
     * to the lower metric.
     */
    public static String routeInterface(String procNetRoute, int ip) {
        String best = null;
        int bestLen = -1;
        long bestMetric = Long.MAX_VALUE;
        for (String line : procNetRoute.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || f[0].equals("Iface")) {
                continue;
            }
            try {
                int dst = Integer.reverseBytes((int) Long.parseLong(f[1], 16));
                int flags = Integer.parseInt(f[3], 16);
                long metric = Long.parseLong(f[6]);
                int mask = Integer.reverseBytes((int) Long.parseLong(f[7], 16));
                int len = Integer.bitCount(mask);
                if ((flags & RTF_UP) == 0 || (ip & mask) != dst) {
                    continue;
                }
                if (len > bestLen || (len == bestLen && metric < bestMetric)) {
                    best = f[0];
                    bestLen = len;
                    bestMetric = metric;
                }
            } catch (NumberFormatException e) {
                // a line we do not understand: skip it
            }
        }
        return best;
    }

    /**
     * Complete neighbour entries of a {@code /proc/net/arp} text on {@code device} (null: any):
     * IPv4 address -> MAC as {@link Bytes#parseMac} long.
     */
    public static Map<Integer, Long> neighbours(String procNetArp, String device) {
        Map<Integer, Long> m = new HashMap<>();
        for (String line : procNetArp.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || f[0].equals("IP")) {
                continue;
            }
            try {
                int flags = Integer.decode(f[2]);
                if ((flags & ATF_COM) == 0 || (device != null && !device.equals(f[5]))) {
                    continue;
                }
                long mac = Bytes.parseMac(f[3]);
                if (mac != 0) {
                    m.put(Bytes.parseIpv4(f[0]), mac);
                }
            } catch (IllegalArgumentException e) {
                // a line we do not understand: skip it
            }
        }
        return m;
    }
}
