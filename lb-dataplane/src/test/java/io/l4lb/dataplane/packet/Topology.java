package io.l4lb.dataplane.packet;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A test LB: one VIP:80/tcp service over n real servers s0..s(n-1) at 10.0.1.(i+1) with MAC
 * 02:00:00:00:01:(i+1), built fresh (two calls = two independent LBs with the same config).
 */
final class Topology {
    final List<ServerRuntime> runtimes = new ArrayList<>();
    final BackendRuntime backend;
    final VirtualService service;
    final PacketPlane plane;

    Topology(int n, String scheduler, Duration persist, ForwardStyle style, EngineConfig config) {
        List<ServerConfig> configs = new ArrayList<>();
        List<RealServer> real = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String ip = "10.0.1." + (i + 1);
            ServerConfig c = ServerConfig.of("s" + i, ip, 0);
            ServerRuntime rt = new ServerRuntime(c, new InetSocketAddress(ip, 0));
            configs.add(c);
            runtimes.add(rt);
            real.add(RealServer.of(rt, mac(i)));
        }
        backend = new BackendRuntime(BackendConfig.of("web", scheduler, configs), runtimes);
        service = new VirtualService(GoldenFrames.VIP, GoldenFrames.DR_PORT, 6, style, backend, persist, real);
        plane = new PacketPlane(config, true);
        plane.setServices(ServiceTable.builder().add(service).build());
    }

    static Topology dr(int n, String scheduler) {
        return new Topology(n, scheduler, null, ForwardStyle.DR, defaults());
    }

    static EngineConfig defaults() {
        return EngineConfig.of(GoldenFrames.LB_MAC, GoldenFrames.LB_IP);
    }

    static long mac(int i) {
        return 0x0200_0000_0100L + i + 1;
    }

    /** The index of the server a DR frame was sent to, from its destination MAC. */
    static int serverOf(Frame f) {
        byte[] b = f.toBytes();
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = (m << 8) | (b[i] & 0xff);
        }
        return (int) (m - 0x0200_0000_0101L);
    }
}
