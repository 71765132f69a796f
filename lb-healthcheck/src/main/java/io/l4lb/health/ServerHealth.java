package io.l4lb.health;

import io.l4lb.core.config.ServerConfig.MarkedAction;
import io.l4lb.core.config.ServerConfig.ServerOptions;
import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.LastCheck;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.time.NanoClock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The health state of one server: HAProxy's rise/fall counter fed by active checks, passive
 * observation ({@code observe layer4}) and the agent, turned into {@link BackendRuntime} calls
 * (health, agent admin state, weight, slow-start ramp), on-marked-down/up actions and one log line
 * per change. No I/O and no timers: {@link ServerCheckTask} drives it and a test can drive it with
 * a fake clock. Threading: every method runs on the server's check event loop, except
 * {@link #connectSucceeded} and {@link #countFailure} which the dataplane calls from any event
 * loop (lock-free, non-blocking).
 *
 * <p>Operator state wins: results are ignored while the server is in MAINT (checks are paused,
 * HAProxy does the same); leaving MAINT restarts the counter at {@code rise} (up, one failure
 * from down) and checks at once. DRAIN servers keep being checked.
 */
public final class ServerHealth {
    private final BackendRuntime backend;
    private final ServerRuntime server;
    private final ServerOptions opts;
    private final NanoClock clock;
    private final StateChangeLog log;
    private final HealthCounter counter;
    private final AtomicInteger consecutiveErrors = new AtomicInteger();
    private boolean agentDown;
    private boolean inMaint;
    private long rampStart = -1;
    private CheckStatus lastStatus;

    public ServerHealth(BackendRuntime backend, ServerRuntime server, NanoClock clock, StateChangeLog log) {
        this(backend, server, clock, log, null);
    }

    /**
     * Reload of a server's settings: {@code previous} (the health of the runtime it replaces, or
     * null) gives the starting position of the rise/fall counter instead of {@code init-state}.
     */
    ServerHealth(BackendRuntime backend, ServerRuntime server, NanoClock clock, StateChangeLog log,
                 ServerHealth previous) {
        this.backend = backend;
        this.server = server;
        this.opts = server.config().options();
        this.clock = clock;
        this.log = log;
        this.counter = previous == null ? new HealthCounter(opts.rise(), opts.fall(), opts.initState())
                : HealthCounter.continuing(opts.rise(), opts.fall(), previous.counter);
        this.inMaint = paused();
        if (server.address() != null && server.healthUp() != counter.up()) {
            backend.setHealth(server, counter.up(), "init-state " + opts.initState());
        }
    }

    public ServerRuntime server() {
        return server;
    }

    public BackendRuntime backend() {
        return backend;
    }

    public HealthCounter counter() {
        return counter;
    }

    private boolean paused() {
        return server.adminState() == AdminState.MAINT || server.agentState() == AdminState.MAINT;
    }

    /**
     * Called before each active check: false while in maintenance (the check is skipped); on the
     * first call after maintenance ends, the counter restarts at rise and the server is up.
     */
    public boolean beforeCheck() {
        if (paused()) {
            inMaint = true;
            return false;
        }
        if (inMaint) {
            inMaint = false;
            counter.resetForMaintExit();
            apply("leaving maintenance", null);
        }
        return true;
    }

    /** Delay until the next active check (inter / fastinter / downinter), before spread. */
    public long nextIntervalNanos() {
        return CheckTiming.intervalNanos(opts, counter);
    }

    /** An active check finished. */
    public void onCheckResult(CheckResult r) {
        if (paused()) {
            return; // entered maintenance while the check ran: the result is void
        }
        if (r.passed()) {
            counter.pass();
        } else {
            counter.fail();
        }
        record(r);
        if (backend.config().check() != null && backend.config().check().logHealthChecks() && r.status() != lastStatus) {
            log.note(checkLine(r));
        }
        lastStatus = r.status();
        apply(r.status().description(), r);
    }

    /**
     * {@code option log-health-checks}: a line whenever the check outcome changes, as HAProxy's
     * "Health check for server be/s1 failed, reason: ..., status: 2/3 UP." where the status is
     * (passes needed to be fully up counted down) while up, or passes so far out of rise while down.
     */
    private String checkLine(CheckResult r) {
        StringBuilder sb = new StringBuilder("Health check for server ").append(backend.name()).append('/')
                .append(server.name()).append(r.passed() ? " succeeded" : " failed").append(", reason: ")
                .append(r.status().description());
        if (r.code() >= 0) {
            sb.append(", code: ").append(r.code());
        }
        if (r.info() != null && !r.info().isEmpty()) {
            sb.append(", info: \"").append(r.info()).append('"');
        }
        sb.append(", check duration: ").append(r.durationMillis()).append("ms, status: ");
        if (counter.up()) {
            sb.append(counter.health() - counter.rise() + 1).append('/').append(counter.fall()).append(" UP.");
        } else {
            sb.append(counter.health()).append('/').append(counter.rise()).append(" DOWN.");
        }
        return sb.toString();
    }

    // ---- passive observation (observe layer4), HAProxy check.c check_health_analyze ----

    /** Any event loop: a connect to this server succeeded; resets the consecutive error count. */
    public void connectSucceeded() {
        if (consecutiveErrors.get() != 0) {
            consecutiveErrors.set(0);
        }
    }

    /**
     * Any event loop: a connect failed. Returns true when {@code error-limit} consecutive errors
     * were reached (the count restarts): the caller then runs {@link #onErrorLimit} on the check loop.
     */
    public boolean countFailure() {
        if (!opts.observeLayer4() || !opts.check()) {
            return false;
        }
        int limit = Math.max(1, opts.errorLimit());
        while (true) {
            int n = consecutiveErrors.get();
            int next = n + 1 >= limit ? 0 : n + 1;
            if (consecutiveErrors.compareAndSet(n, next)) {
                return next == 0;
            }
        }
    }

    /** Check loop: error-limit reached; applies on-error. The caller reschedules the check at fastinter. */
    public void onErrorLimit(String lastError) {
        if (paused()) {
            return;
        }
        switch (opts.onError()) {
            case FASTINTER -> {
                return; // only the earlier check
            }
            case FAIL_CHECK -> counter.fail();
            case SUDDEN_DEATH -> counter.suddenDeath();
            case MARK_DOWN -> counter.markDown();
        }
        CheckResult r = CheckResult.of(CheckStatus.HANA, "Detected " + Math.max(1, opts.errorLimit())
                + " consecutive errors, last one was: " + io.l4lb.health.check.DialogueRunner.cleanError(lastError));
        record(r);
        apply(CheckStatus.HANA.description(), r);
    }

    // ---- agent ----

    /** An agent check finished. Agent connection failures change nothing (HAProxy). */
    public void onAgentResult(CheckResult r) {
        if (!r.passed()) {
            return;
        }
        AgentReply a = AgentReply.parse(r.info());
        String why = a.description() == null ? "" : ", info: \"" + a.description() + "\"";
        if (a.weightPercent() != null) {
            int w = opts.weight() * a.weightPercent() / 100;
            if (w != server.weight()) {
                backend.setWeight(server, w);
                log.note("Server " + backend.name() + "/" + server.name() + " weight changed to " + w
                        + " (" + a.weightPercent() + "% of " + opts.weight() + ") by agent" + why);
            }
        }
        if (a.admin() != null && a.admin() != server.agentState()) {
            backend.setAgentState(server, a.admin());
            log.note("Server " + backend.name() + "/" + server.name() + " is "
                    + switch (a.admin()) {
                        case READY -> "READY";
                        case DRAIN -> "going into DRAIN mode";
                        case MAINT -> "going into maintenance";
                    } + " (agent)" + why);
        }
        if (a.up() != null && agentDown == a.up()) {
            agentDown = !a.up();
            apply(agentDown ? "Agent reports DOWN" : "Agent reports UP",
                    CheckResult.of(CheckStatus.L7OK, r.info()).withDuration(r.durationNanos()));
        }
    }

    // ---- slow start ----

    /** True while the slow-start ramp runs; the driver then calls {@link #slowstartTick} periodically. */
    public boolean ramping() {
        return rampStart >= 0;
    }

    /** Updates the effective weight ramp; returns false once it reached 100%. */
    public boolean slowstartTick() {
        if (rampStart < 0) {
            return false;
        }
        int p = CheckTiming.slowstartPercent(clock.nanoTime() - rampStart, opts.slowstart().toNanos());
        if (p != server.weightPercent()) {
            backend.setWeightPercent(server, p);
        }
        if (p >= 100) {
            rampStart = -1;
            return false;
        }
        return true;
    }

    // ----

    private void record(CheckResult r) {
        server.recordCheck(new LastCheck(r.status().name(), r.status().layer(), r.passed(), r.code(),
                r.info() == null ? "" : r.info(), r.durationMillis(), counter.health()));
    }

    /** Publishes the effective state (counter up and agent not down) when it differs, with its side effects. */
    private void apply(String reason, CheckResult r) {
        boolean up = counter.up() && !agentDown;
        if (up == server.healthUp() || server.address() == null) {
            return;
        }
        String text = r == null || r.info() == null || r.info().isEmpty() ? reason : reason + ": " + r.info();
        if (up && opts.slowstart().toNanos() > 0) {
            // Ramp first, then publish "up": the server never takes new connections at full weight.
            rampStart = clock.nanoTime();
            slowstartTick();
        }
        backend.setHealth(server, up, text);
        log.stateChanged(backend, server, up, reason, r);
        if (up) {
            if (opts.onMarkedUp() == MarkedAction.SHUTDOWN_BACKUP_SESSIONS && !opts.backup()) {
                backend.sessionTerminator().shutdownBackupSessions(backend);
            }
        } else {
            rampStart = -1;
            if (opts.onMarkedDown() == MarkedAction.SHUTDOWN_SESSIONS) {
                backend.sessionTerminator().shutdownSessions(backend, server);
            }
        }
    }
}
