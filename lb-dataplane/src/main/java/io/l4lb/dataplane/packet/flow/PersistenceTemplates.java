package io.l4lb.dataplane.packet.flow;

import io.l4lb.dataplane.packet.FlowHash;
import io.l4lb.dataplane.packet.RealServer;

/**
 * Persistence templates ({@code persist T}, {@code ipvsadm -p T}): (client IP, VIP, port, proto) ->
 * real server, like LVS's template connections. A template lives while it controls flows
 * (LVS {@code n_control}) and for {@code T} after it was last bound or its last flow ended.
 *
 * <p>Threading: shared by every worker, because PACKET_FANOUT_HASH spreads one client's
 * connections (different source ports) over several workers. Striped locks (64 stripes); a stripe
 * is locked only when a persistent service meets a new flow or a flow ends, never for packets of
 * known flows. Each stripe is a fixed array probed over a window of {@value #WINDOW} slots: no
 * allocation; when a window is full the template expiring first is overwritten.
 */
public final class PersistenceTemplates {
    private static final int STRIPES = 64;
    private static final int WINDOW = 16;

    private final Stripe[] stripes = new Stripe[STRIPES];

    public PersistenceTemplates(int capacity) {
        int per = Integer.highestOneBit(Math.max(WINDOW * 2, capacity / STRIPES) - 1) << 1;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(per);
        }
    }

    private static long key1(int client, int vip) {
        return ((long) client << 32) | (vip & 0xffff_ffffL);
    }

    private static int key2(int port, int proto) {
        return (1 << 30) | (port << 8) | proto;
    }

    private Stripe stripe(int h) {
        return stripes[h & (STRIPES - 1)];
    }

    /** The template's server while the template is live, else null. Does not bind. */
    public RealServer peek(int client, int vip, int port, int proto, long now) {
        int h = FlowHash.client(client) ^ vip;
        Stripe s = stripe(h);
        synchronized (s) {
            int i = s.find(h >>> 6, key1(client, vip), key2(port, proto));
            return i >= 0 && s.live(i, now) ? s.server[i] : null;
        }
    }

    /** A new flow of the client goes to {@code server}: create or refresh the template, count the flow. */
    public void bind(int client, int vip, int port, int proto, RealServer server, long now, long persistNanos) {
        int h = FlowHash.client(client) ^ vip;
        Stripe s = stripe(h);
        long k1 = key1(client, vip);
        int k2 = key2(port, proto);
        synchronized (s) {
            int i = s.find(h >>> 6, k1, k2);
            if (i < 0) {
                i = s.slotFor(h >>> 6, now);
                s.k1[i] = k1;
                s.k2[i] = k2;
                s.controlled[i] = 0;
                s.expires[i] = now;
            }
            s.server[i] = server;
            s.controlled[i]++;
            s.expires[i] = Math.max(s.expires[i], now + persistNanos);
        }
    }

    /** A flow controlled by the template ended: the template lives on for {@code T} from now. */
    public void release(int client, int vip, int port, int proto, long now, long persistNanos) {
        int h = FlowHash.client(client) ^ vip;
        Stripe s = stripe(h);
        synchronized (s) {
            int i = s.find(h >>> 6, key1(client, vip), key2(port, proto));
            if (i >= 0) {
                s.controlled[i] = Math.max(0, s.controlled[i] - 1);
                s.expires[i] = Math.max(s.expires[i], now + persistNanos);
            }
        }
    }

    /** Live templates (stats; locks every stripe in turn). */
    public int size(long now) {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                for (int i = 0; i < s.k2.length; i++) {
                    if (s.k2[i] != 0 && s.live(i, now)) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** One stripe: slots go from empty to used and never back, so a probe stops at an empty slot. */
    private static final class Stripe {
        final long[] k1;
        final int[] k2;
        final long[] expires;
        final int[] controlled;
        final RealServer[] server;
        final int mask;

        Stripe(int cap) {
            k1 = new long[cap];
            k2 = new int[cap];
            expires = new long[cap];
            controlled = new int[cap];
            server = new RealServer[cap];
            mask = cap - 1;
        }

        boolean live(int i, long now) {
            return controlled[i] > 0 || expires[i] - now > 0;
        }

        int find(int h, long a, int b) {
            for (int n = 0, i = h & mask; n < WINDOW; n++, i = (i + 1) & mask) {
                if (k2[i] == 0) {
                    return -1;
                }
                if (k2[i] == b && k1[i] == a) {
                    return i;
                }
            }
            return -1;
        }

        /** The first empty or dead slot of the window, else the one that expires first. */
        int slotFor(int h, long now) {
            int victim = -1;
            for (int n = 0, i = h & mask; n < WINDOW; n++, i = (i + 1) & mask) {
                if (k2[i] == 0 || !live(i, now)) {
                    return i;
                }
                if (victim < 0 || expires[i] - expires[victim] < 0) {
                    victim = i;
                }
            }
            return victim;
        }
    }
}
