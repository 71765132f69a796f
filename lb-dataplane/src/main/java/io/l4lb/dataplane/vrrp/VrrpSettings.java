package io.l4lb.dataplane.vrrp;

import io.l4lb.core.config.VrrpConfig;
import io.l4lb.dataplane.nativeio.Ipv4;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link VrrpConfig} checked and resolved for the runtime: addresses parsed, the advert interval
 * in centiseconds (RFC 5798 §5.2.7: 12 bits, so 10 ms .. 40.95 s). Errors name the instance and
 * the value, and the expected range.
 */
public record VrrpSettings(String name, String interfaceName, int vrid, int priority, int advertIntervalCs,
                           List<Ipv4.Prefix> virtualAddresses, int[] unicastPeers, boolean preempt,
                           long preemptDelayNanos, String authKeyFile, List<VrrpConfig.TrackBackend> tracks,
                           String notifyScript, int garpRepeat) {
    /** keepalived's vrrp_garp_master_repeat default: 5 gratuitous ARPs per VIP on becoming master. */
    public static final int DEFAULT_GARP_REPEAT = 5;

    public VrrpSettings {
        virtualAddresses = List.copyOf(virtualAddresses);
        unicastPeers = unicastPeers.clone();
        tracks = List.copyOf(tracks);
    }

    public static VrrpSettings from(VrrpConfig c) {
        String where = "vrrp " + c.name() + ": ";
        if (c.interfaceName() == null || c.interfaceName().isBlank()) {
            throw new IllegalArgumentException(where + "'interface' is missing");
        }
        if (c.virtualRouterId() < 1 || c.virtualRouterId() > 255) {
            throw new IllegalArgumentException(where + "'virtual-router-id': " + c.virtualRouterId() + " (expected: 1..255)");
        }
        if (c.priority() < 1 || c.priority() > 255) {
            throw new IllegalArgumentException(where + "'priority': " + c.priority() + " (expected: 1..254, 255 = address owner)");
        }
        Duration adv = c.advertInterval() == null ? Duration.ofSeconds(1) : c.advertInterval();
        long ms = adv.toMillis();
        if (ms < 10 || ms > 40_950 || ms % 10 != 0) {
            throw new IllegalArgumentException(where + "'advert-int': " + ms + "ms (expected: 10ms..40950ms in 10 ms steps)");
        }
        if (c.virtualAddresses().isEmpty()) {
            throw new IllegalArgumentException(where + "'virtual-ipaddress' is missing (expected: one or more ADDR/PREFIX)");
        }
        if (c.virtualAddresses().size() > 255) {
            throw new IllegalArgumentException(where + "more than 255 virtual addresses");
        }
        List<Ipv4.Prefix> vips = new ArrayList<>();
        for (String v : c.virtualAddresses()) {
            try {
                vips.add(Ipv4.Prefix.parse(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "'virtual-ipaddress': " + v + " (expected: IPv4 ADDR[/PREFIX])", e);
            }
        }
        int[] peers = new int[c.unicastPeers().size()];
        for (int i = 0; i < peers.length; i++) {
            try {
                peers[i] = Ipv4.parse(c.unicastPeers().get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "'unicast-peer': " + c.unicastPeers().get(i)
                        + " (expected: IPv4 address)", e);
            }
        }
        for (VrrpConfig.TrackBackend t : c.trackBackends()) {
            if (Math.abs(t.weight()) > 254) {
                throw new IllegalArgumentException(where + "'track-backend " + t.backend() + " weight': " + t.weight()
                        + " (expected: -254..-1, or no weight)");
            }
        }
        long delay = c.preemptDelay() == null ? 0 : c.preemptDelay().toNanos();
        return new VrrpSettings(c.name(), c.interfaceName(), c.virtualRouterId(), c.priority(), (int) (ms / 10), vips,
                peers, c.preempt(), delay, c.authKeyFile(), c.trackBackends(), c.notifyScript(), DEFAULT_GARP_REPEAT);
    }

    public int[] virtualAddressInts() {
        int[] a = new int[virtualAddresses.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = virtualAddresses.get(i).address();
        }
        return a;
    }

    /**
     * The priority after tracking (keepalived's rule): base minus the weights of the tracked
     * backends that have no usable server, kept within 1..254. A track without weight (0) is
     * keepalived's "fault" tracking; l4lb has no FAULT state and drops to priority 1 instead, so
     * any peer takes over. The address owner stays 255.
     */
    public int effectivePriority(boolean[] trackedUsable) {
        if (priority == VrrpPacket.PRIORITY_OWNER) {
            return priority;
        }
        int p = priority;
        for (int i = 0; i < tracks.size(); i++) {
            if (!trackedUsable[i]) {
                int w = tracks.get(i).weight();
                p = w == 0 ? Integer.MIN_VALUE / 2 : p - Math.abs(w);
            }
        }
        return Math.max(1, Math.min(254, p));
    }
}
