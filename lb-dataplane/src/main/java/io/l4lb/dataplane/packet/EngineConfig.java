package io.l4lb.dataplane.packet;

import io.l4lb.dataplane.packet.flow.FlowTimeouts;

/**
 * Node-level settings of the packet engine.
 *
 * @param lbMac        the MAC of the LB's interface (source of DR frames and replies)
 * @param lbIpv4       the LB's own address: outer source of IPIP packets and of ICMP errors
 * @param tunnelMtu    MTU of the path to the real servers; an IPIP packet is 20 bytes larger than
 *                     the packet it carries, so inner packets above {@code tunnelMtu - 20} with DF
 *                     get "fragmentation needed" with next-hop MTU {@code tunnelMtu - 20}
 * @param timeouts     flow idle timeouts (LVS defaults)
 * @param maxFlowsPerWorker connection table limit of each worker
 * @param templateCapacity  persistence template slots, shared by all workers
 */
public record EngineConfig(long lbMac, int lbIpv4, int tunnelMtu, FlowTimeouts timeouts, int maxFlowsPerWorker,
                           int templateCapacity) {
    public static final int DEFAULT_MTU = 1500;
    public static final int IPIP_OVERHEAD = 20;

    public EngineConfig {
        if (tunnelMtu < 576 || tunnelMtu > 65535) {
            throw new IllegalArgumentException("tunnel MTU must be within 576..65535: " + tunnelMtu);
        }
        if (maxFlowsPerWorker < 1 || templateCapacity < 1) {
            throw new IllegalArgumentException("table sizes must be positive");
        }
    }

    /** MTU 1500, LVS timeouts, 256k flows per worker (about 20 MB each), 64k templates. */
    public static EngineConfig of(long lbMac, int lbIpv4) {
        return new EngineConfig(lbMac, lbIpv4, DEFAULT_MTU, FlowTimeouts.LVS_DEFAULTS, 1 << 18, 1 << 16);
    }

    public EngineConfig withTunnelMtu(int mtu) {
        return new EngineConfig(lbMac, lbIpv4, mtu, timeouts, maxFlowsPerWorker, templateCapacity);
    }

    public EngineConfig withTimeouts(FlowTimeouts t) {
        return new EngineConfig(lbMac, lbIpv4, tunnelMtu, t, maxFlowsPerWorker, templateCapacity);
    }

    public EngineConfig withMaxFlowsPerWorker(int n) {
        return new EngineConfig(lbMac, lbIpv4, tunnelMtu, timeouts, n, templateCapacity);
    }
}
