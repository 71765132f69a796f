package io.l4lb.server.admin;

import io.l4lb.core.config.L4Config;
import io.l4lb.server.runtime.PacketWiring;
import io.l4lb.server.runtime.ProxyRuntime;
import io.l4lb.server.runtime.ServerAddressResolver;
import io.l4lb.server.runtime.ServerMembershipListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import io.l4lb.core.stats.VrrpStats;

/** What {@code l4lb run} calls once the proxy is up: admin listeners and SIGHUP reload. */
public final class AdminWiring {
    private AdminWiring() {
    }

    /** Starts the admin plane over {@code runtime}; the result closes it (listeners, reload worker). */
    public static AutoCloseable start(Path file, L4Config config, ProxyRuntime runtime, PrintStream out)
            throws Exception {
        return start(file, config, runtime, out, ServerMembershipListener.NONE);
    }

    /** As above; {@code membership} follows servers added/removed by the API or a reload (health checks). */
    public static AutoCloseable start(Path file, L4Config config, ProxyRuntime runtime, PrintStream out,
                                      ServerMembershipListener membership) throws Exception {
        return start(file, config, runtime, out, membership, List::of);
    }

    /** As above, with the VRRP instances' snapshots ({@code /api/vrrp}, {@code l4lb_vrrp_*}). */
    public static AutoCloseable start(Path file, L4Config config, ProxyRuntime runtime, PrintStream out,
                                      ServerMembershipListener membership, Supplier<List<VrrpStats>> vrrp)
            throws Exception {
        return start(file, config, runtime, out, membership, vrrp, null);
    }

    /**
     * As above, with the dr/tunnel packet plane ({@code packet} null when none): its frontends and
     * counters, and reloads rebuild its services.
     */
    public static AutoCloseable start(Path file, L4Config config, ProxyRuntime runtime, PrintStream out,
                                      ServerMembershipListener membership, Supplier<List<VrrpStats>> vrrp,
                                      PacketWiring packet) throws Exception {
        ProcessRuntimeView view = new ProcessRuntimeView(file, config, runtime,
                new ServerAddressResolver(ServerAddressResolver.SYSTEM));
        view.setMembershipListener(membership);
        view.setPacketWiring(packet);
        view.vrrpSource(vrrp);
        view.packetSource(packet);
        AdminPlane plane = AdminPlane.start(config, view);
        if (!plane.adminAddresses().isEmpty()) {
            out.println("l4lb: admin API listening on " + plane.adminAddresses());
        }
        if (!plane.statsAddresses().isEmpty()) {
            out.println("l4lb: stats page listening on " + plane.statsAddresses());
        }
        ExecutorService reload = HangupReload.install(view);
        return () -> {
            reload.shutdownNow();
            plane.close();
        };
    }
}
