package io.l4lb.core.state;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.sched.ServerLoad;
import java.net.InetSocketAddress;

/**
 * Runtime state of one real server: health (written by the health subsystem), admin state and
 * weight override (written by the admin API), load and counters (written by the dataplane).
 * Fields are volatile single-writer values; changes that affect scheduling go through
 * {@link BackendRuntime} so a new scheduler snapshot is published.
 */
public final class ServerRuntime {
    private final ServerConfig config;
    private final ServerLoad load;
    private final ServerCounters counters;
    private volatile InetSocketAddress address;
    private volatile boolean healthUp;
    private volatile String healthReason = "not checked";
    private volatile AdminState adminState;
    private volatile int weight;
    /** Slow-start / agent ramp in percent of {@link #weight()}; 100 = full weight. */
    private volatile int weightPercent = 100;
    /** Admin state asked by an agent check ({@code drain}, {@code maint}, {@code ready}); separate
     *  from the operator's so that neither overrides the other. */
    private volatile AdminState agentState = AdminState.READY;
    private volatile LastCheck lastCheck = LastCheck.NONE;

    public ServerRuntime(ServerConfig config, InetSocketAddress address) {
        this(config, address, new ServerLoad(), new ServerCounters());
    }

    /**
     * Reload: the same real server (same address) with new settings. It takes over the previous
     * runtime's counters and live load (its connections still run on that server), its health
     * state and last check (when both versions are checked), its agent state (when both have an
     * agent), and the operator's state unless the {@code disabled} keyword itself changed; the
     * weight comes from the new config.
     */
    public ServerRuntime(ServerConfig config, InetSocketAddress address, ServerRuntime previous) {
        this(config, address, previous.load, previous.counters);
        ServerConfig.ServerOptions was = previous.config.options();
        ServerConfig.ServerOptions now = config.options();
        // Health carries over only between two checked versions: an unchecked server is up by
        // definition, a newly checked one starts from its init-state.
        if (address != null && was.check() && now.check()) {
            this.healthUp = previous.healthUp;
            this.healthReason = previous.healthReason;
            this.lastCheck = previous.lastCheck;
        }
        if (was.agentPort() > 0 && now.agentPort() > 0) {
            this.agentState = previous.agentState;
        }
        if (now.disabled() == was.disabled()) {
            this.adminState = previous.adminState;
        }
    }

    private ServerRuntime(ServerConfig config, InetSocketAddress address, ServerLoad load, ServerCounters counters) {
        this.config = config;
        this.load = load;
        this.counters = counters;
        this.address = address;
        this.weight = config.options().weight();
        this.adminState = config.options().disabled() ? AdminState.MAINT : AdminState.READY;
        ServerConfig.InitState init = config.options().initState();
        this.healthUp = !config.options().check()
                || init == ServerConfig.InitState.UP || init == ServerConfig.InitState.FULLY_UP;
        if (address == null) {
            this.healthUp = false;
            this.healthReason = "address not resolved";
        }
    }

    public ServerConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public ServerLoad load() {
        return load;
    }

    public ServerCounters counters() {
        return counters;
    }

    /** Null while a DNS name has not resolved: the server is then not usable. */
    public InetSocketAddress address() {
        return address;
    }

    public boolean healthUp() {
        return healthUp;
    }

    public String healthReason() {
        return healthReason;
    }

    public AdminState adminState() {
        return adminState;
    }

    public int weight() {
        return weight;
    }

    public int weightPercent() {
        return weightPercent;
    }

    public AdminState agentState() {
        return agentState;
    }

    public LastCheck lastCheck() {
        return lastCheck;
    }

    /** Health subsystem: records the latest check outcome (informational, no scheduling effect). */
    public void recordCheck(LastCheck c) {
        this.lastCheck = c;
    }

    /** Weight the scheduler uses: configured or overridden weight scaled by the ramp (slowstart). */
    public int effectiveWeight() {
        int w = weight;
        int p = weightPercent;
        if (w == 0 || p >= 100) {
            return w;
        }
        return Math.max(1, (w * p + 99) / 100);
    }

    /** May take new connections: resolved, health up, READY (operator and agent), weight above 0. */
    public boolean usable() {
        return address != null && healthUp && adminState == AdminState.READY
                && agentState == AdminState.READY && weight > 0;
    }

    // Setters are package-private: BackendRuntime applies them and republishes the snapshot.
    void setHealth(boolean up, String reason) {
        this.healthUp = up;
        this.healthReason = reason;
    }

    void setAdminState(AdminState s) {
        this.adminState = s;
    }

    void setWeight(int w) {
        this.weight = w;
    }

    void setAgentState(AdminState s) {
        this.agentState = s;
    }

    void setWeightPercent(int p) {
        this.weightPercent = p;
    }

    void setAddress(InetSocketAddress a) {
        this.address = a;
    }

    @Override
    public String toString() {
        return config.name() + "(" + address + ")";
    }
}
