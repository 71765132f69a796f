package io.l4lb.health;

import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import io.l4lb.core.config.ServerConfig.ServerOptions;
import io.l4lb.core.config.Timeouts;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.time.NanoClock;
import io.l4lb.health.check.AgentChecker;
import io.l4lb.health.check.CheckTarget;
import io.l4lb.health.check.Checker;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Drives one server's {@link ServerHealth} on one event loop: the active check timer (the next
 * check is armed when the previous one ends, HAProxy's way), the agent timer and the slow-start
 * ramp timer. All fields are confined to {@code loop}; {@link #start}/{@link #stop} and
 * {@link #errorLimitReached} hop onto it.
 *
 * <p>Timeouts (HAProxy): with {@code timeout check} the connect is bounded by
 * min({@code timeout connect}, inter) and the exchange after it by {@code timeout check};
 * without it, connect and exchange are each bounded by {@code inter}.
 */
final class ServerCheckTask {
    private final ServerHealth health;
    private final Checker checker;
    private final EventLoop loop;
    private final Class<? extends SocketChannel> channelClass;
    private final NanoClock clock;
    private final SslContext ssl;
    private final int spreadPercent;
    private final RandomGenerator random;
    private final ServerOptions opts;
    private final Timeouts timeouts;
    private final InetAddress checkAddr;
    private final InetAddress agentAddr;
    private ScheduledFuture<?> checkTimer;
    private ScheduledFuture<?> agentTimer;
    private ScheduledFuture<?> rampTimer;
    private boolean checkRunning;
    private boolean stopped;

    ServerCheckTask(ServerHealth health, Checker checker, EventLoop loop, Class<? extends SocketChannel> channelClass,
                    NanoClock clock, SslContext ssl, int spreadPercent, RandomGenerator random, Timeouts timeouts) {
        this.health = health;
        this.checker = checker;
        this.loop = loop;
        this.channelClass = channelClass;
        this.clock = clock;
        this.ssl = ssl;
        this.spreadPercent = spreadPercent;
        this.random = random;
        this.opts = health.server().config().options();
        this.timeouts = timeouts;
        // Resolved once here (control plane, may block on DNS), never on the event loop.
        this.checkAddr = resolve(opts.checkAddr());
        this.agentAddr = resolve(opts.agentAddr());
    }

    private static InetAddress resolve(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("check address '" + host + "' does not resolve", e);
        }
    }

    ServerHealth health() {
        return health;
    }

    EventLoop loop() {
        return loop;
    }

    void start(long firstDelayNanos) {
        loop.execute(() -> {
            if (opts.check()) {
                checkTimer = loop.schedule(this::runCheck, firstDelayNanos, TimeUnit.NANOSECONDS);
            }
            if (opts.agentPort() > 0) {
                agentTimer = loop.schedule(this::runAgent, firstDelayNanos, TimeUnit.NANOSECONDS);
            }
        });
    }

    void stop() {
        try {
            loop.execute(() -> {
                stopped = true;
                for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {checkTimer, agentTimer, rampTimer}) {
                    if (f != null) {
                        f.cancel(false);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            stopped = true; // the loop is already shut down: nothing of ours can run any more
        }
    }

    private long connectTimeout(Duration inter) {
        if (timeouts.check() == null) {
            return inter.toNanos();
        }
        Duration c = timeouts.connect() == null ? inter : timeouts.connect();
        return Math.min(c.toNanos(), inter.toNanos());
    }

    private long readTimeout(Duration inter) {
        return timeouts.check() != null ? timeouts.check().toNanos() : inter.toNanos();
    }

    private void runCheck() {
        if (stopped) {
            return;
        }
        if (!health.beforeCheck()) {
            scheduleCheck(opts.inter().toNanos()); // in maintenance: not checked, looked at again later
            return;
        }
        updateRamp();
        ServerRuntime s = health.server();
        InetSocketAddress a = s.address();
        if (a == null) {
            scheduleCheck(health.nextIntervalNanos());
            return;
        }
        InetAddress host = checkAddr != null ? checkAddr : a.getAddress();
        int port = opts.checkPort() > 0 ? opts.checkPort() : a.getPort();
        CheckTarget t = new CheckTarget(new InetSocketAddress(host, port), opts.checkSsl(), ssl, opts.sni(),
                opts.sendProxy(), connectTimeout(opts.inter()), readTimeout(opts.inter()), loop, channelClass, clock);
        checkRunning = true;
        checker.check(t).addListener(f -> {
            checkRunning = false;
            if (stopped) {
                return;
            }
            health.onCheckResult((CheckResult) f.getNow());
            updateRamp();
            scheduleCheck(health.nextIntervalNanos());
        });
    }

    private void scheduleCheck(long delay) {
        if (!stopped) {
            checkTimer = loop.schedule(this::runCheck, CheckTiming.spread(delay, spreadPercent, random), TimeUnit.NANOSECONDS);
        }
    }

    /** Dataplane saw error-limit consecutive failures: apply on-error and check again within fastinter. */
    void errorLimitReached(String lastError) {
        loop.execute(() -> {
            if (stopped) {
                return;
            }
            health.onErrorLimit(lastError);
            updateRamp();
            long fast = opts.fastinter().toNanos();
            if (!checkRunning && checkTimer != null && checkTimer.getDelay(TimeUnit.NANOSECONDS) > fast
                    && checkTimer.cancel(false)) {
                checkTimer = loop.schedule(this::runCheck, fast, TimeUnit.NANOSECONDS);
            }
        });
    }

    private void runAgent() {
        if (stopped) {
            return;
        }
        ServerRuntime s = health.server();
        InetSocketAddress a = s.address();
        if (a == null && agentAddr == null) {
            agentTimer = loop.schedule(this::runAgent, opts.agentInter().toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        InetAddress host = agentAddr != null ? agentAddr : a.getAddress();
        CheckTarget t = new CheckTarget(new InetSocketAddress(host, opts.agentPort()), false, null, null,
                ProxyProtocol.NONE, connectTimeout(opts.agentInter()), readTimeout(opts.agentInter()), loop,
                channelClass, clock);
        new AgentChecker().check(t).addListener(f -> {
            if (stopped) {
                return;
            }
            health.onAgentResult((CheckResult) f.getNow());
            updateRamp();
            agentTimer = loop.schedule(this::runAgent,
                    CheckTiming.spread(opts.agentInter().toNanos(), spreadPercent, random), TimeUnit.NANOSECONDS);
        });
    }

    /** Starts the ramp timer when a slow start began; it re-arms itself until the ramp ends. */
    private void updateRamp() {
        if (health.ramping() && (rampTimer == null || rampTimer.isDone())) {
            long period = Math.clamp(opts.slowstart().toNanos() / 20, 10_000_000L, 1_000_000_000L);
            rampTimer = loop.scheduleAtFixedRate(() -> {
                if (stopped || !health.slowstartTick()) {
                    rampTimer.cancel(false);
                }
            }, period, period, TimeUnit.NANOSECONDS);
        }
    }
}
