package io.l4lb.dataplane.proxy;

import io.l4lb.core.time.NanoClock;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The inactivity timer of one session ({@link SessionTimeouts} decides the limits). Activity only
 * stores a clock reading; one scheduled task per session is re-armed lazily when it fires early,
 * so a busy connection costs one timer event per timeout period, not one per read.
 * Threading: the session's event loop only.
 */
final class SessionTimer {
    private final ProxySession session;
    private final EventLoop loop;
    private final NanoClock clock;
    private SessionTimeouts timeouts;
    private long lastClient;
    private long lastServer;
    private boolean established;
    private boolean halfClosed;
    private boolean stopped;
    private ScheduledFuture<?> task;
    /** When {@code task} fires (clock reading). */
    private long taskAt;

    SessionTimer(ProxySession session, EventLoop loop, NanoClock clock, SessionTimeouts initial) {
        this.session = session;
        this.loop = loop;
        this.clock = clock;
        this.timeouts = initial;
        this.lastClient = clock.nanoTime();
        this.lastServer = lastClient;
    }

    /** The backend is known: its timeouts now apply. */
    void use(SessionTimeouts t) {
        timeouts = t;
        arm();
    }

    void established() {
        established = true;
        lastServer = clock.nanoTime();
        arm();
    }

    void halfClosed() {
        halfClosed = true;
    }

    void touch(boolean clientSide) {
        if (timeouts.any()) {
            long now = clock.nanoTime();
            if (clientSide) {
                lastClient = now;
            } else {
                lastServer = now;
            }
        }
    }

    /**
     * Schedules the check for the next deadline. A task already due no later is kept (activity
     * re-arms lazily when it fires); one due later is replaced: the backend's {@code timeout
     * server} (known once routed) or the established state may bring the deadline forward, e.g.
     * {@code timeout client 1h} with {@code timeout server 30s}.
     */
    void arm() {
        if (stopped) {
            return;
        }
        long d = timeouts.nextDeadline(lastClient, lastServer, established, halfClosed);
        if (d == Long.MAX_VALUE || task != null && taskAt - d <= 0) {
            return;
        }
        if (task != null) {
            task.cancel(false);
        }
        taskAt = d;
        task = loop.schedule(this::fired, Math.max(0, d - clock.nanoTime()), TimeUnit.NANOSECONDS);
    }

    void stop() {
        stopped = true;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void fired() {
        task = null;
        if (stopped) {
            return;
        }
        if (timeouts.expired(clock.nanoTime(), lastClient, lastServer, established, halfClosed)) {
            session.abort();
            return;
        }
        arm();
    }
}
