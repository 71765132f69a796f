package io.l4lb.health;

import io.l4lb.core.config.HealthCheckConfig;
import io.l4lb.core.config.ServerConfig.ServerOptions;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.time.NanoClock;
import io.l4lb.health.check.CheckSsl;
import io.l4lb.health.check.Checker;
import io.l4lb.health.check.CheckerFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Runs the active checks, agent checks and passive observation of a set of backends on an event
 * loop group it is given (each server pinned to one loop). It is the dataplane's
 * {@link PassiveObservationSink}: those calls come from any event loop and never block (a map
 * lookup and an atomic counter; error-limit actions hop onto the server's check loop).
 *
 * <p>First checks are spread over the smallest {@code inter} like HAProxy's start_checks, and
 * every later delay gets the {@code spread-checks} jitter.
 */
public final class HealthCheckService implements PassiveObservationSink, AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final NanoClock clock;
    private final int spreadChecksPercent;
    private final StateChangeLog log;
    private final RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
    private final Map<ServerRuntime, ServerCheckTask> tasks = new ConcurrentHashMap<>();

    /**
     * @param channelClass the socket channel matching {@code group}'s transport (NIO, epoll, io_uring)
     * @param stateLog     receives every state-change line (besides System.Logger); may be null
     */
    public HealthCheckService(EventLoopGroup group, Class<? extends SocketChannel> channelClass, NanoClock clock,
                              int spreadChecksPercent, Consumer<String> stateLog) {
        this.group = group;
        this.channelClass = channelClass;
        this.clock = clock;
        this.spreadChecksPercent = spreadChecksPercent;
        this.log = new StateChangeLog(stateLog == null ? line -> { } : stateLog);
    }

    /** Starts checking every server with {@code check} or an agent port. Control plane thread. */
    public synchronized void start(Collection<BackendRuntime> backends) {
        List<ServerCheckTask> started = new ArrayList<>();
        long minInter = Long.MAX_VALUE;
        for (BackendRuntime b : backends) {
            HealthCheckConfig hc = b.config().check();
            Checker checker = CheckerFactory.forConfig(hc);
            for (ServerRuntime s : b.servers()) {
                ServerOptions o = s.config().options();
                if ((!o.check() && o.agentPort() <= 0) || tasks.containsKey(s)) {
                    continue;
                }
                SslContext ssl = o.checkSsl() || usesStepSsl(hc) ? CheckSsl.clientContext(o) : null;
                ServerHealth h = new ServerHealth(b, s, clock, log);
                ServerCheckTask t = new ServerCheckTask(h, checker, group.next(), channelClass, clock, ssl,
                        spreadChecksPercent, random, b.config().timeouts());
                tasks.put(s, t);
                started.add(t);
                minInter = Math.min(minInter, o.inter().toNanos());
            }
        }
        for (int i = 0; i < started.size(); i++) {
            started.get(i).start(minInter / started.size() * i);
        }
    }

    /**
     * Starts checking one server added at run time (admin API, reload), when it has {@code check}
     * or an agent port; its first check comes at a random point of its {@code inter} so a reload
     * adding many servers does not fire them all at once. Returns false when the server is not
     * checked (no check configured, or already checked). Control plane thread.
     */
    public synchronized boolean startServer(BackendRuntime b, ServerRuntime s) {
        return startServer(b, s, null);
    }

    /**
     * Reload changed a server's settings (same address): {@code next} replaces {@code old} in
     * {@code b}. The old checks stop; the new ones (if {@code next} is checked) start from the old
     * rise/fall position, so the server keeps its UP/DOWN state across the reload. Control plane.
     */
    public synchronized boolean replaceServer(BackendRuntime b, ServerRuntime old, ServerRuntime next) {
        ServerCheckTask was = tasks.remove(old);
        if (was != null) {
            was.stop();
        }
        return startServer(b, next, was == null ? null : was.health());
    }

    private boolean startServer(BackendRuntime b, ServerRuntime s, ServerHealth previous) {
        ServerOptions o = s.config().options();
        if ((!o.check() && o.agentPort() <= 0) || tasks.containsKey(s)) {
            return false;
        }
        HealthCheckConfig hc = b.config().check();
        SslContext ssl = o.checkSsl() || usesStepSsl(hc) ? CheckSsl.clientContext(o) : null;
        ServerCheckTask t = new ServerCheckTask(new ServerHealth(b, s, clock, log, previous), CheckerFactory.forConfig(hc),
                group.next(), channelClass, clock, ssl, spreadChecksPercent, random, b.config().timeouts());
        tasks.put(s, t);
        t.start(random.nextLong(Math.max(1, o.inter().toNanos())));
        return true;
    }

    /**
     * Reload changed the backend's check method or {@code timeout check}: each of its checked
     * servers gets a task with the new settings over the same {@link ServerHealth} (rise/fall
     * counter, agent and ramp state kept: the server stays UP or DOWN as it was), on the same event
     * loop, so the old task's stop runs before the new task's first check. Returns how many
     * servers were restarted. Control plane thread.
     */
    public synchronized int restartBackend(BackendRuntime b) {
        HealthCheckConfig hc = b.config().check();
        Checker checker = CheckerFactory.forConfig(hc);
        int n = 0;
        for (Map.Entry<ServerRuntime, ServerCheckTask> e : tasks.entrySet()) {
            ServerCheckTask old = e.getValue();
            if (old.health().backend() != b) {
                continue;
            }
            ServerRuntime s = e.getKey();
            ServerOptions o = s.config().options();
            SslContext ssl = o.checkSsl() || usesStepSsl(hc) ? CheckSsl.clientContext(o) : null;
            ServerCheckTask t = new ServerCheckTask(old.health(), checker, old.loop(), channelClass, clock, ssl,
                    spreadChecksPercent, random, b.config().timeouts());
            old.stop();
            e.setValue(t);
            t.start(random.nextLong(Math.max(1, o.inter().toNanos())));
            n++;
        }
        return n;
    }

    /** Stops checking a server removed at run time (an in-flight check completes and is ignored). */
    public synchronized boolean stopServer(ServerRuntime s) {
        ServerCheckTask t = tasks.remove(s);
        if (t == null) {
            return false;
        }
        t.stop();
        return true;
    }

    private static boolean usesStepSsl(HealthCheckConfig hc) {
        return hc != null && hc.tcpSteps().stream().anyMatch(HealthCheckConfig.TcpCheckStep::ssl);
    }

    /** Stops every check (in-flight checks complete and are ignored). */
    public synchronized void stop() {
        tasks.values().forEach(ServerCheckTask::stop);
        tasks.clear();
    }

    @Override
    public void close() {
        stop();
    }

    /** The health state of a checked server, or null. */
    public ServerHealth health(ServerRuntime s) {
        ServerCheckTask t = tasks.get(s);
        return t == null ? null : t.health();
    }

    @Override
    public void connectFailed(ServerRuntime server, String reason) {
        ServerCheckTask t = tasks.get(server);
        if (t != null && t.health().countFailure()) {
            t.errorLimitReached(reason);
        }
    }

    @Override
    public void connectSucceeded(ServerRuntime server) {
        ServerCheckTask t = tasks.get(server);
        if (t != null) {
            t.health().connectSucceeded();
        }
    }
}
