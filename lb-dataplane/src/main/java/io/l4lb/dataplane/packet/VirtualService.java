package io.l4lb.dataplane.packet;

import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.sched.SchedServer;
import io.l4lb.core.sched.Scheduler;
import io.l4lb.core.sched.SchedulerRegistry;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.dataplane.packet.wire.Bytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One virtual service of the packet engine: VIP:port/proto forwarded in DR or tunnel style to the
 * real servers of a backend. Immutable except for the cached {@link View}.
 *
 * <p>Scheduling: a new flow (TCP SYN, first UDP datagram) goes through the backend's scheduler
 * ({@link #schedule}); a flow missing from the table met mid-stream goes through the consistent
 * lookup ({@link #consistent}): the backend's own scheduler when it is {@code mh}, else a Maglev
 * table over the same members when the {@code mh} scheduler is registered, else a plain hash modulo
 * the member count. All three depend only on config + health state, so two LBs agree.
 */
public final class VirtualService {
    private final int vip;
    private final int port;
    private final int proto;
    private final ForwardStyle style;
    private final BackendRuntime backend;
    private final long persistNanos;
    private final RealServer[] servers;
    private final VipCounters counters;
    private final boolean consistentPrimary;
    private volatile View view;

    /** Scheduling view of one backend snapshot: members as {@link RealServer}s, indices aligned. */
    record View(BackendRuntime.Snapshot snapshot, RealServer[] members, Scheduler consistent,
                boolean wantsLoad) {
    }

    public VirtualService(int vip, int port, int proto, ForwardStyle style, BackendRuntime backend,
                          Duration persist, List<RealServer> servers) {
        this(vip, port, proto, style, backend, persist, servers, new VipCounters());
    }

    /**
     * With {@code counters} shared by the other services of the same frontend (its binds and
     * ports); a reload rebuilding the services of a frontend that stays passes the same counters
     * (flows of the old service still count into them).
     */
    public VirtualService(int vip, int port, int proto, ForwardStyle style, BackendRuntime backend,
                          Duration persist, List<RealServer> servers, VipCounters counters) {
        if (style == ForwardStyle.PROXY) {
            throw new IllegalArgumentException("the packet engine forwards dr and tunnel services only");
        }
        this.vip = vip;
        this.port = port;
        this.proto = proto;
        this.style = style;
        this.backend = backend;
        this.persistNanos = persist == null ? 0 : persist.toNanos();
        this.servers = servers.toArray(RealServer[]::new);
        this.counters = counters;
        this.consistentPrimary = "mh".equals(backend.config().balance().scheduler());
        view(); // build the first view (and its Maglev table) here, on the control plane
    }

    /**
     * Control plane: build the view for the backend's current snapshot now, so the first packet
     * after a health or weight change does not pay for a Maglev table build.
     */
    public void prepare() {
        view();
    }

    public int vip() {
        return vip;
    }

    public int port() {
        return port;
    }

    public int proto() {
        return proto;
    }

    public ForwardStyle style() {
        return style;
    }

    public BackendRuntime backend() {
        return backend;
    }

    public boolean persistent() {
        return persistNanos > 0;
    }

    public long persistNanos() {
        return persistNanos;
    }

    public VipCounters counters() {
        return counters;
    }

    public List<RealServer> servers() {
        return List.of(servers);
    }

    /** The RealServer of this service for a runtime, or null when it is not one of ours. */
    public RealServer realServer(ServerRuntime rt) {
        for (RealServer s : servers) {
            if (s.runtime() == rt) {
                return s;
            }
        }
        return null;
    }

    /** Hot path: the server for a new flow from the backend's scheduler, or null. */
    public RealServer schedule(int flowHash) {
        View v = view();
        int i = v.snapshot().scheduler().pick(flowHash);
        return i < 0 ? null : v.members()[i];
    }

    /** Hot path: the server for a flow met mid-stream; depends only on config and health state. */
    public RealServer consistent(int flowHash) {
        View v = view();
        RealServer[] m = v.members();
        if (m.length == 0) {
            return null;
        }
        int i = v.consistent() != null ? v.consistent().pick(flowHash) : Math.floorMod(flowHash, m.length);
        return i < 0 ? null : m[i];
    }

    /** Hot path: tell least-connection schedulers that the server's active/inactive count moved. */
    public void loadChanged(ServerRuntime rt) {
        View v = view();
        if (!v.wantsLoad()) {
            return;
        }
        BackendRuntime.Snapshot s = v.snapshot();
        Integer i = s.index().get(rt);
        if (i != null) {
            s.scheduler().loadChanged(i);
        }
    }

    /**
     * The view for the backend's current snapshot. Rebuilt when the control plane published a new
     * snapshot (a health or weight change): rare, and a race between workers builds equal views.
     */
    private View view() {
        BackendRuntime.Snapshot s = backend.snapshot();
        View v = view;
        if (v == null || v.snapshot() != s) {
            v = build(s);
            view = v;
        }
        return v;
    }

    private View build(BackendRuntime.Snapshot s) {
        List<ServerRuntime> members = s.members();
        RealServer[] rs = new RealServer[members.size()];
        List<SchedServer> sched = new ArrayList<>(members.size());
        for (int i = 0; i < rs.length; i++) {
            ServerRuntime m = members.get(i);
            RealServer r = realServer(m);
            rs[i] = r != null ? r : RealServer.of(m, Bytes.NO_MAC);
            sched.add(new SchedServer(m.name(), m.effectiveWeight(), m.load()));
        }
        Scheduler consistent;
        if (consistentPrimary) {
            consistent = s.scheduler();
        } else if (SchedulerRegistry.canonical("mh").isPresent() && !sched.isEmpty()) {
            consistent = SchedulerRegistry.factory("mh").create(sched);
        } else {
            consistent = null;
        }
        return new View(s, rs, consistent, overridesLoadChanged(s.scheduler()));
    }

    /** Only least-connection style schedulers override loadChanged: skip the call for the others. */
    private static boolean overridesLoadChanged(Scheduler s) {
        try {
            return s.getClass().getMethod("loadChanged", int.class).getDeclaringClass() != Scheduler.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return Bytes.ipv4(vip) + ":" + port + "/" + (proto == 6 ? "tcp" : "udp") + " " + style.name().toLowerCase(java.util.Locale.ROOT)
                + " -> " + backend.name();
    }
}
