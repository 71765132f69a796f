package io.l4lb.server.runtime;

import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.time.NanoClock;
import io.l4lb.health.HealthCheckService;
import java.util.function.Consumer;

/**
 * Health checks inside {@code l4lb run}: a {@link HealthCheckService} on the proxy's own event
 * loops and channel class (each check shares a loop with traffic, as HAProxy runs checks on its
 * threads), fed by the proxy's connect outcomes ({@code observe layer4}) and following servers
 * added or removed at run time.
 *
 * <p>The proxy needs its passive sink when it is built but creates its event loops only when it
 * starts, so this object is the sink from the start and forwards to the service once
 * {@link #start} created it (no connection exists before that).
 */
public final class HealthWiring implements PassiveObservationSink, ServerMembershipListener, AutoCloseable {
    private final GlobalConfig global;
    private final Consumer<String> stateLog;
    private volatile HealthCheckService service;

    /** @param stateLog receives each state-change line besides System.Logger; may be null */
    public HealthWiring(GlobalConfig global, Consumer<String> stateLog) {
        this.global = global;
        this.stateLog = stateLog;
    }

    public HealthWiring(GlobalConfig global) {
        this(global, null);
    }

    /** After {@code runtime.start()}: checks every server with {@code check} or an agent port. */
    public synchronized void start(ProxyRuntime runtime) {
        if (service != null) {
            throw new IllegalStateException("health checks already started");
        }
        HealthCheckService s = new HealthCheckService(runtime.engine().group(),
                runtime.engine().transport().socketChannel(), NanoClock.SYSTEM, global.spreadChecksPercent(), stateLog);
        service = s;
        s.start(runtime.backends().values());
    }

    /** The running service, null before {@link #start}. */
    public HealthCheckService service() {
        return service;
    }

    @Override
    public void connectFailed(ServerRuntime server, String reason) {
        HealthCheckService s = service;
        if (s != null) {
            s.connectFailed(server, reason);
        }
    }

    @Override
    public void connectSucceeded(ServerRuntime server) {
        HealthCheckService s = service;
        if (s != null) {
            s.connectSucceeded(server);
        }
    }

    @Override
    public void serverAdded(BackendRuntime backend, ServerRuntime server) {
        HealthCheckService s = service;
        if (s != null) {
            s.startServer(backend, server);
        }
    }

    @Override
    public void serverRemoved(BackendRuntime backend, ServerRuntime server) {
        HealthCheckService s = service;
        if (s != null) {
            s.stopServer(server);
        }
    }

    @Override
    public void serverReplaced(BackendRuntime backend, ServerRuntime old, ServerRuntime next) {
        HealthCheckService s = service;
        if (s != null) {
            s.replaceServer(backend, old, next);
        }
    }

    @Override
    public void checkSettingsChanged(BackendRuntime backend) {
        HealthCheckService s = service;
        if (s != null) {
            s.restartBackend(backend);
        }
    }

    /** Stops every check; idempotent. */
    @Override
    public void close() {
        HealthCheckService s = service;
        if (s != null) {
            s.stop();
        }
    }
}
