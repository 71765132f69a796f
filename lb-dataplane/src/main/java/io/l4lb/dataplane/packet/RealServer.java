package io.l4lb.dataplane.packet;

import io.l4lb.core.state.ServerRuntime;
import io.l4lb.dataplane.packet.wire.Bytes;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * A real server as the packet engine needs it: its runtime (health, load, counters), its IPv4
 * address as an int (tunnel outer destination) and its MAC (DR next hop), resolved by the control
 * plane from the neighbour table and published through a volatile field.
 */
public final class RealServer {
    private final ServerRuntime runtime;
    private final int ipv4;
    private volatile long mac;

    public RealServer(ServerRuntime runtime, int ipv4, long mac) {
        this.runtime = runtime;
        this.ipv4 = ipv4;
        this.mac = mac;
    }

    /** From the runtime's resolved address; {@code mac} may be {@link Bytes#NO_MAC}. */
    public static RealServer of(ServerRuntime runtime, long mac) {
        InetSocketAddress a = runtime.address();
        int ip = 0;
        if (a != null && a.getAddress() instanceof Inet4Address v4) {
            byte[] b = v4.getAddress();
            ip = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        }
        return new RealServer(runtime, ip, mac);
    }

    public ServerRuntime runtime() {
        return runtime;
    }

    public int ipv4() {
        return ipv4;
    }

    public long mac() {
        return mac;
    }

    /** Control plane: the neighbour table (or an ARP reply) told us the MAC. */
    public void setMac(long mac) {
        this.mac = mac;
    }

    @Override
    public String toString() {
        return runtime.name() + "(" + Bytes.ipv4(ipv4) + ")";
    }
}
