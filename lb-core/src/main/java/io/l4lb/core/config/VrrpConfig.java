package io.l4lb.core.config;

import java.time.Duration;
import java.util.List;

/**
 * l4lb's {@code vrrp NAME} section (RFC 5798, keepalived's vrrp_instance in HAProxy syntax).
 * {@code virtualAddresses} keep their prefix ({@code 192.0.2.10/24}). Empty {@code unicastPeers}
 * means multicast to 224.0.0.18.
 */
public record VrrpConfig(String name, String interfaceName, int virtualRouterId, int priority,
                         Duration advertInterval, List<String> virtualAddresses, List<String> unicastPeers,
                         boolean preempt, Duration preemptDelay, String authKeyFile,
                         List<TrackBackend> trackBackends, String notifyScript, SourcePos pos) {
    public VrrpConfig {
        virtualAddresses = List.copyOf(virtualAddresses);
        unicastPeers = List.copyOf(unicastPeers);
        trackBackends = List.copyOf(trackBackends);
    }

    /** {@code track-backend NAME weight -N}: priority drops by N while NAME has no usable server. */
    public record TrackBackend(String backend, int weight) {}
}
