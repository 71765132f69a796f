package io.l4lb.server.runtime;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ProxyMode;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.core.stats.PacketPlaneStats;
import io.l4lb.core.time.NanoClock;
import io.l4lb.dataplane.nativeio.NativeIoException;
import io.l4lb.dataplane.nativeio.NetInterfaces;
import io.l4lb.dataplane.packet.EngineConfig;
import io.l4lb.dataplane.packet.PacketPlane;
import io.l4lb.dataplane.packet.RealServer;
import io.l4lb.dataplane.packet.host.KernelCopyFilter;
import io.l4lb.dataplane.packet.ServiceTable;
import io.l4lb.dataplane.packet.VipCounters;
import io.l4lb.dataplane.packet.VirtualService;
import io.l4lb.dataplane.packet.host.MacResolver;
import io.l4lb.dataplane.packet.host.ProcNet;
import io.l4lb.dataplane.packet.io.AfPacketIo;
import io.l4lb.dataplane.packet.io.PacketWorker;
import io.l4lb.dataplane.packet.wire.Bytes;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Wiring of {@code forward dr} and {@code forward tunnel}: every tcp frontend whose default backend
 * forwards dr/tunnel becomes one {@link VirtualService} per bind address and port, over the
 * <em>same</em> {@link BackendRuntime}s the proxy and the health checks use (so health, weights
 * and admin state apply unchanged), served by AF_PACKET workers on one interface.
 *
 * <p>Interface: the one holding the longest-prefix route to the first VIP (usually the VIP's own
 * subnet: the VIP is announced by ARP on that segment), unless the system property
 * {@code l4lb.packet.interface} names one. The LB's MAC and primary IPv4 address on it are the
 * source of DR frames and the outer source of IPIP packets. Workers: {@code nbthread}, else one
 * per core, each with its own TPACKET_V3 ring in one PACKET_FANOUT_HASH group. Real server MACs:
 * {@link MacResolver} every second. Standalone the plane answers ARP for the VIPs;
 * {@link #plane()} lets VRRP switch that. The kernel's copy of the services' packets is dropped
 * ({@link KernelCopyFilter}): with VRRP the VIP is a local address of the master, and the kernel
 * would answer the DR/tunnel flows with RSTs.
 */
public final class PacketWiring implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PacketWiring.class.getName());
    // 64 blocks of 256 KB: the ring retires a block after 1 ms even when nearly empty, so at low
    // packet rates the block count, not the byte size, is what rides out a descheduled worker
    // (64 ms here); at high rates 16 MB of frames.
    private static final int BLOCK_SIZE = 256 << 10;
    private static final int BLOCKS = 64;

    private final PacketPlane plane;
    private final String device;
    private final List<Thread> threads = new ArrayList<>();
    private final List<PacketWorker> workers = new ArrayList<>();
    private final MacResolver resolver;
    private KernelCopyFilter filter;
    /** Per dr/tunnel frontend, its counters; replaced (not mutated) by a reload. */
    private volatile Map<String, FrontendCounters> frontends;
    private volatile boolean closed;

    private PacketWiring(PacketPlane plane, String device, MacResolver resolver,
                         Map<String, FrontendCounters> frontends) {
        this.plane = plane;
        this.device = device;
        this.resolver = resolver;
        this.frontends = java.util.Collections.unmodifiableMap(frontends);
    }

    /** The dr/tunnel services of {@code config} over {@code backends} (may be empty). */
    public static List<VirtualService> services(L4Config config, Map<String, BackendRuntime> backends) {
        return services(config, backends, ServiceTable.EMPTY, new LinkedHashMap<>());
    }

    /**
     * As above, reusing from {@code running} the {@link RealServer} of each server runtime (its
     * MAC stays known). {@code frontends} holds, per frontend name, the counters every service of
     * that frontend (each bind address and port) shares: the frontend's row in the stats
     * catalogue. A frontend already in it keeps its counters (a reload); a new one is added.
     */
    static List<VirtualService> services(L4Config config, Map<String, BackendRuntime> backends,
                                         ServiceTable running, Map<String, FrontendCounters> frontends) {
        Map<ServerRuntime, RealServer> known = new java.util.IdentityHashMap<>();
        for (VirtualService v : running.services()) {
            for (RealServer r : v.servers()) {
                known.putIfAbsent(r.runtime(), r);
            }
        }
        Map<String, List<RealServer>> real = new LinkedHashMap<>();
        List<VirtualService> out = new ArrayList<>();
        for (FrontendConfig f : config.frontends().values()) {
            BackendConfig b = f.defaultBackend() == null ? null : config.backends().get(f.defaultBackend());
            if (f.mode() != ProxyMode.TCP || b == null || b.forward() == ForwardStyle.PROXY) {
                continue;
            }
            BackendRuntime br = backends.get(b.name());
            if (br == null) {
                throw new IllegalStateException("backend " + b.name() + " has no runtime state");
            }
            List<RealServer> rs = real.computeIfAbsent(b.name(), n -> br.servers().stream()
                    .map(s -> known.containsKey(s) ? known.get(s) : RealServer.of(s, Bytes.NO_MAC)).toList());
            VipCounters counters = new VipCounters(
                    frontends.computeIfAbsent(f.name(), n -> VipCounters.newFrontendCounters()));
            for (BindConfig bind : f.binds()) {
                int vip;
                try {
                    vip = Bytes.parseIpv4(bind.host() == null ? "" : bind.host());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("frontend " + f.name() + ": 'bind' " + bind.host()
                            + " (expected: an IPv4 VIP for forward " + b.forward().name().toLowerCase(java.util.Locale.ROOT) + ")");
                }
                for (int port = bind.portLow(); port <= bind.portHigh(); port++) {
                    out.add(new VirtualService(vip, port, 6, b.forward(), br, b.persist(), rs, counters));
                }
            }
        }
        return out;
    }

    /** Starts the packet plane, or returns null when the config has no dr/tunnel service. */
    public static PacketWiring start(L4Config config, Map<String, BackendRuntime> backends, PrintStream out,
                                     PrintStream err) throws NativeIoException, IOException {
        Map<String, FrontendCounters> frontends = new LinkedHashMap<>();
        List<VirtualService> services = services(config, backends, ServiceTable.EMPTY, frontends);
        if (services.isEmpty()) {
            return null;
        }
        String dev = System.getProperty("l4lb.packet.interface");
        if (dev == null) {
            dev = ProcNet.routeInterface(Files.readString(Path.of("/proc/net/route")), services.get(0).vip());
            if (dev == null) {
                throw new IllegalStateException("no route to VIP " + Bytes.ipv4(services.get(0).vip())
                        + ": cannot choose the packet interface (set -Dl4lb.packet.interface=IF)");
            }
        }
        long mac = bytesToMac(NetInterfaces.macAddress(dev));
        int ip = NetInterfaces.primaryIpv4(dev);
        PacketPlane plane = new PacketPlane(EngineConfig.of(mac, ip), true);
        ServiceTable.Builder table = ServiceTable.builder();
        services.forEach(table::add);
        plane.setServices(table.build());
        checkIpForward(err);
        MacResolver resolver = MacResolver.system(drServers(services), dev);
        PacketWiring w = new PacketWiring(plane, dev, resolver, frontends);
        try {
            w.filter = KernelCopyFilter.install(dev, services);
        } catch (IOException e) {
            err.println("[WARNING] cannot drop the kernel's copy of VIP packets (" + e.getMessage() + "): where a VIP"
                    + " is a local address (VRRP master) the kernel resets dr/tunnel connections; see docs/packet.md");
        }
        try {
            w.startThreads(config.global().nbthread() > 0 ? config.global().nbthread()
                    : Runtime.getRuntime().availableProcessors());
        } catch (NativeIoException | RuntimeException e) {
            w.close();
            throw e;
        }
        for (VirtualService s : services) {
            out.println("l4lb: packet service " + s);
        }
        out.println("l4lb: packet plane on " + dev + " (" + Bytes.ipv4(ip) + "), " + w.workers.size() + " worker(s)"
                + (w.filter != null ? ", kernel copies dropped (nft table ip " + KernelCopyFilter.TABLE + ")" : ""));
        return w;
    }

    private static List<RealServer> drServers(List<VirtualService> services) {
        List<RealServer> dr = new ArrayList<>();
        for (VirtualService s : services) {
            if (s.style() == ForwardStyle.DR) {
                for (RealServer r : s.servers()) {
                    if (!dr.contains(r)) {
                        dr.add(r);
                    }
                }
            }
        }
        return dr;
    }

    /**
     * Reload, in place: rebuilds the virtual services of {@code config} over {@code backends} (the
     * reload already applied server and backend changes to them) and publishes the new table with
     * one swap. Flows already in the workers' connection tables keep their real server until they
     * end, as LVS keeps its connection entries; new flows use the new table. Real servers that stay
     * keep their MAC, services that stay keep their counters; the neighbour refresh follows the
     * new DR real servers. The interface, its addresses and the worker count stay as started.
     * Returns one line per service added or removed (empty when the set of VIPs is the same).
     *
     * @throws IllegalArgumentException when a bind is not an IPv4 VIP, or services collide (nothing changed then)
     */
    public synchronized List<String> reload(L4Config config, Map<String, BackendRuntime> backends) {
        ServiceTable running = plane.services();
        Map<String, FrontendCounters> counters = new LinkedHashMap<>(frontends);
        List<VirtualService> next = services(config, backends, running, counters);
        ServiceTable.Builder table = ServiceTable.builder();
        next.forEach(table::add);
        ServiceTable built = table.build();
        if (filter != null) {
            // the kernel's copies of the new set of VIP:ports must be dropped before they are served
            try {
                filter = KernelCopyFilter.install(device, next);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot update nft table " + KernelCopyFilter.TABLE
                        + " for the reloaded services: " + e.getMessage());
            }
        }
        resolver.setServers(drServers(next));
        plane.setServices(built);
        counters.keySet().retainAll(config.frontends().keySet());
        frontends = java.util.Collections.unmodifiableMap(counters);
        List<String> out = new ArrayList<>();
        for (VirtualService v : next) {
            if (running.lookup(v.vip(), v.port(), v.proto()) == null) {
                out.add("packet service " + v + " added");
            }
        }
        for (VirtualService v : running.services()) {
            if (built.lookup(v.vip(), v.port(), v.proto()) == null) {
                out.add("packet service " + v + " removed (its live flows run to their end)");
            }
        }
        return out;
    }

    private void startThreads(int n) throws NativeIoException {
        int ifindex = NetInterfaces.index(device);
        int group = (int) (ProcessHandle.current().pid() & 0xffff);
        for (int i = 0; i < n; i++) {
            AfPacketIo io = AfPacketIo.open(ifindex, n > 1 ? group : 0, BLOCK_SIZE, BLOCKS);
            Arena arena = Arena.ofShared();
            PacketWorker worker = new PacketWorker(plane.newWorker(NanoClock.SYSTEM), io, arena, 64, 2048);
            workers.add(worker);
            threads.add(Thread.ofPlatform().name("l4lb-packet-" + i).start(() -> {
                try {
                    while (!closed) {
                        io.await(100);
                        worker.pollOnce();
                    }
                } finally {
                    io.close();
                    arena.close();
                }
            }));
        }
        resolver.refresh();
        threads.add(Thread.ofPlatform().name("l4lb-neighbours").daemon().start(() -> {
            while (!closed) {
                try {
                    TimeUnit.MILLISECONDS.sleep(resolver.refresh() > 0 ? 200 : 1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
    }

    /** ip_forward=1 makes the kernel forward its own copy of each VIP packet too (and send redirects). */
    static void checkIpForward(PrintStream err) {
        try {
            if (Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).trim().equals("1")) {
                err.println("[WARNING] net.ipv4.ip_forward=1: the kernel will also forward VIP packets"
                        + " for dr/tunnel services; set it to 0 on the LB");
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot read ip_forward: " + e);
        }
    }

    private static long bytesToMac(byte[] b) {
        long m = 0;
        for (byte x : b) {
            m = (m << 8) | (x & 0xff);
        }
        return m;
    }

    public PacketPlane plane() {
        return plane;
    }

    /**
     * The counters of each dr/tunnel frontend, by name (declaration order): the admin plane lists
     * them with the proxy frontends, so the catalogue, the API and {@code ctl show servers} see them.
     */
    public Map<String, FrontendCounters> frontendCounters() {
        return frontends;
    }

    /** Engine-wide counters (every service and worker) for {@code l4lb_packet_*} and {@code /api/packet}. */
    public PacketPlaneStats stats() {
        return plane.counters().snapshot();
    }

    public String device() {
        return device;
    }

    /** The server runtimes the packet plane forwards to (for stats and tests). */
    public List<ServerRuntime> servers() {
        List<ServerRuntime> l = new ArrayList<>();
        for (VirtualService s : plane.services().services()) {
            for (RealServer r : s.servers()) {
                if (!l.contains(r.runtime())) {
                    l.add(r.runtime());
                }
            }
        }
        return l;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (filter != null) {
            try {
                filter.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remove nft table " + KernelCopyFilter.TABLE + ": " + e.getMessage());
            }
        }
    }
}
