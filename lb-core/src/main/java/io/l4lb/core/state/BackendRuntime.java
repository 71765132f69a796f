package io.l4lb.core.state;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.sched.SchedServer;
import io.l4lb.core.sched.Scheduler;
import io.l4lb.core.sched.SchedulerFactory;
import io.l4lb.core.sched.SchedulerRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runtime state of one backend. The hot path calls {@link #pick}, {@link #connectionOpened} and
 * {@link #connectionClosed}: they only read the current {@link Snapshot}. The control plane
 * (health checks, admin API, reload) changes server state through the setters here, which build a
 * new snapshot off the hot path and publish it with one atomic swap.
 *
 * <p>Snapshot membership follows HAProxy: usable active servers; when none, usable backups (the
 * first one only, or all with {@code option allbackups}); when none, an empty snapshot.
 */
public final class BackendRuntime {
    /** Replaced by {@link #reconfigure} (reload); readers take one consistent value per use. */
    private volatile BackendConfig config;
    /** Replaced as a whole (copy on write) when the admin API adds or removes a server. */
    private volatile List<ServerRuntime> servers;
    private volatile SchedulerFactory factory;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final List<ServerStateListener> listeners = new CopyOnWriteArrayList<>();
    private volatile SessionTerminator sessionTerminator = SessionTerminator.NONE;

    /** An immutable scheduling view: the members and a scheduler over them, indices aligned. */
    public record Snapshot(List<ServerRuntime> members, Scheduler scheduler, Map<ServerRuntime, Integer> index,
                           boolean usingBackups) {
        int indexOf(ServerRuntime s) {
            Integer i = index.get(s);
            return i == null ? -1 : i;
        }
    }

    public BackendRuntime(BackendConfig config, List<ServerRuntime> servers) {
        this.config = config;
        this.servers = List.copyOf(servers);
        this.factory = SchedulerRegistry.factory(config.balance().scheduler());
        republish();
    }

    public BackendConfig config() {
        return config;
    }

    /**
     * Reload: takes the backend-level settings of {@code next} (balance, allbackups, timeouts,
     * retries, persist...) while keeping this object and its {@link ServerRuntime}s, so health
     * state, weights set at run time and counters survive. A new scheduler of the new algorithm is
     * built over the same servers and published with one swap: the next pick uses it. Servers are
     * not taken from {@code next}: membership changes go through {@link #addServer}/{@link #removeServer}.
     *
     * @throws IllegalArgumentException when {@code next} is another backend or its algorithm is unknown
     */
    public synchronized void reconfigure(BackendConfig next) {
        if (!next.name().equals(config.name())) {
            throw new IllegalArgumentException("backend " + config.name() + " cannot take the settings of "
                    + next.name());
        }
        SchedulerFactory f = SchedulerRegistry.factory(next.balance().scheduler());
        this.config = next;
        this.factory = f;
        republish();
    }

    public String name() {
        return config.name();
    }

    public List<ServerRuntime> servers() {
        return servers;
    }

    public ServerRuntime server(String name) {
        for (ServerRuntime s : servers) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Admin API / reload: adds a server at run time (its state starts as its config says) and
     * republishes. Returns false when a server of that name already exists.
     */
    public synchronized boolean addServer(ServerRuntime s) {
        if (server(s.name()) != null) {
            return false;
        }
        List<ServerRuntime> next = new ArrayList<>(servers);
        next.add(s);
        servers = List.copyOf(next);
        republish();
        return true;
    }

    /**
     * Admin API / reload: removes a server at run time; live connections to it keep running until
     * they end (the caller decides whether to close them). Returns the removed server or null.
     */
    public synchronized ServerRuntime removeServer(String name) {
        ServerRuntime s = server(name);
        if (s == null) {
            return null;
        }
        List<ServerRuntime> next = new ArrayList<>(servers);
        next.remove(s);
        servers = List.copyOf(next);
        republish();
        return s;
    }

    /**
     * Reload: puts {@code next} in place of the server of the same name, at the same position
     * (order matters to {@code first} and the hashes), with one republish. Returns the replaced
     * server, or null (nothing changed) when there is none of that name.
     */
    public synchronized ServerRuntime replaceServer(ServerRuntime next) {
        ServerRuntime old = server(next.name());
        if (old == null) {
            return null;
        }
        List<ServerRuntime> list = new ArrayList<>(servers);
        list.set(list.indexOf(old), next);
        servers = List.copyOf(list);
        republish();
        return old;
    }

    public Snapshot snapshot() {
        return snapshot.get();
    }

    /** True while at least one server (active or backup) can take new connections. */
    public boolean hasUsableServer() {
        return !snapshot.get().members().isEmpty();
    }

    /** Hot path: the server for a new connection, or null when none is usable. Lock-free. */
    public ServerRuntime pick(int flowHash) {
        Snapshot s = snapshot.get();
        int i = s.scheduler().pick(flowHash);
        return i < 0 ? null : s.members().get(i);
    }

    /** Hot path: a connection to {@code server} was opened; feeds lc/wlc. */
    public void connectionOpened(ServerRuntime server) {
        server.load().addActive(1);
        server.counters().connectionsTotal.increment();
        notifyLoad(server);
    }

    /** Hot path: a connection to {@code server} ended. */
    public void connectionClosed(ServerRuntime server) {
        server.load().addActive(-1);
        notifyLoad(server);
    }

    private void notifyLoad(ServerRuntime server) {
        Snapshot s = snapshot.get();
        int i = s.indexOf(server);
        if (i >= 0) {
            s.scheduler().loadChanged(i);
        }
    }

    public void addListener(ServerStateListener l) {
        listeners.add(l);
    }

    /** Health subsystem: the server's checked state changed. */
    public void setHealth(ServerRuntime s, boolean up, String reason) {
        boolean before = s.usable();
        s.setHealth(up, reason);
        changed(s, before, reason);
    }

    /** Admin API: READY / DRAIN / MAINT. */
    public void setAdminState(ServerRuntime s, AdminState state) {
        boolean before = s.usable();
        s.setAdminState(state);
        changed(s, before, "admin state " + state.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Agent check: {@code drain} / {@code maint} / {@code ready}, kept apart from the operator's state. */
    public void setAgentState(ServerRuntime s, AdminState state) {
        boolean before = s.usable();
        s.setAgentState(state);
        changed(s, before, "agent state " + state.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The dataplane registers how live sessions are closed (on-marked-down / on-marked-up actions). */
    public void setSessionTerminator(SessionTerminator t) {
        this.sessionTerminator = t == null ? SessionTerminator.NONE : t;
    }

    public SessionTerminator sessionTerminator() {
        return sessionTerminator;
    }

    /** Admin API or agent check: a new weight (0 = drain). */
    public void setWeight(ServerRuntime s, int weight) {
        boolean before = s.usable();
        s.setWeight(weight);
        changed(s, before, "weight " + weight);
    }

    /** Slow start / agent percentage: effective weight ramp, 100 = full. */
    public void setWeightPercent(ServerRuntime s, int percent) {
        s.setWeightPercent(percent);
        republish();
    }

    /** DNS resolution (re)done: null when the name no longer resolves. */
    public void setAddress(ServerRuntime s, InetSocketAddress a) {
        boolean before = s.usable();
        s.setAddress(a);
        changed(s, before, a == null ? "address not resolved" : "address " + a);
    }

    private void changed(ServerRuntime s, boolean before, String reason) {
        republish();
        boolean after = s.usable();
        if (before != after) {
            for (ServerStateListener l : listeners) {
                l.onServerStateChange(this, s, after, reason);
            }
        }
    }

    /** Rebuilds the snapshot from current server state and swaps it in. Control plane only. */
    public synchronized void republish() {
        List<ServerRuntime> members = new ArrayList<>();
        for (ServerRuntime s : servers) {
            if (!s.config().options().backup() && s.usable()) {
                members.add(s);
            }
        }
        boolean backups = false;
        if (members.isEmpty()) {
            for (ServerRuntime s : servers) {
                if (s.config().options().backup() && s.usable()) {
                    members.add(s);
                    backups = true;
                    if (!config.allBackups()) {
                        break;
                    }
                }
            }
        }
        List<SchedServer> sched = new ArrayList<>(members.size());
        Map<ServerRuntime, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            ServerRuntime s = members.get(i);
            sched.add(new SchedServer(s.name(), s.effectiveWeight(), s.load(), s.config().options().maxconn()));
            index.put(s, i);
        }
        snapshot.set(new Snapshot(List.copyOf(members), factory.create(sched), index, backups));
    }
}
