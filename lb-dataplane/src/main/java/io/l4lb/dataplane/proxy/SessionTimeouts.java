package io.l4lb.dataplane.proxy;

import io.l4lb.core.config.Timeouts;
import java.time.Duration;

/**
 * HAProxy's side timeouts for one proxied TCP connection, in nanoseconds (0 = none):
 * {@code timeout client}/{@code server} bound inactivity on each side; once the server connection
 * is established {@code timeout tunnel} supersedes both; once either direction is shut,
 * {@code timeout client-fin}/{@code server-fin} (when set) replace them. Pure: the session passes
 * the clock readings in.
 */
record SessionTimeouts(long client, long server, long tunnel, long clientFin, long serverFin) {
    static final SessionTimeouts NONE = new SessionTimeouts(0, 0, 0, 0, 0);

    /** Frontend timeouts give the client side, backend timeouts the server side (as in HAProxy). */
    static SessionTimeouts of(Timeouts fe, Timeouts be) {
        Duration tunnel = be.tunnel() != null ? be.tunnel() : fe.tunnel();
        return new SessionTimeouts(n(fe.client()), n(be.server()), n(tunnel), n(fe.clientFin()), n(be.serverFin()));
    }

    private static long n(Duration d) {
        return d == null || d.isNegative() ? 0 : d.toNanos();
    }

    boolean any() {
        return client > 0 || server > 0 || tunnel > 0 || clientFin > 0 || serverFin > 0;
    }

    long clientLimit(boolean established, boolean halfClosed) {
        if (halfClosed && clientFin > 0) {
            return clientFin;
        }
        return established && tunnel > 0 ? tunnel : client;
    }

    long serverLimit(boolean established, boolean halfClosed) {
        if (halfClosed && serverFin > 0) {
            return serverFin;
        }
        return established && tunnel > 0 ? tunnel : server;
    }

    /**
     * The next instant a side may expire, or {@link Long#MAX_VALUE} when no timeout applies.
     * {@code serverSide} false before the server connection exists.
     */
    long nextDeadline(long lastClient, long lastServer, boolean established, boolean halfClosed) {
        long d = Long.MAX_VALUE;
        long c = clientLimit(established, halfClosed);
        if (c > 0) {
            d = lastClient + c;
        }
        long s = serverLimit(established, halfClosed);
        if (established && s > 0) {
            d = Math.min(d, lastServer + s);
        }
        return d;
    }

    /** True when a side has been inactive for its whole limit at {@code now}. */
    boolean expired(long now, long lastClient, long lastServer, boolean established, boolean halfClosed) {
        long d = nextDeadline(lastClient, lastServer, established, halfClosed);
        return d != Long.MAX_VALUE && now - d >= 0;
    }
}
