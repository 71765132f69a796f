package io.l4lb.core.config;

import java.time.Duration;

/**
 * HAProxy timeouts of one proxy section; {@code null} means "not set" (inherit or none).
 * Sections merge their own values over their defaults section with {@link #overriddenBy}.
 */
public record Timeouts(Duration connect, Duration client, Duration server, Duration queue,
                       Duration check, Duration tunnel, Duration clientFin, Duration serverFin) {
    public static final Timeouts NONE = new Timeouts(null, null, null, null, null, null, null, null);

    /** Values set in {@code other} win; unset ones fall back to this. */
    public Timeouts overriddenBy(Timeouts other) {
        return new Timeouts(
                pick(other.connect, connect), pick(other.client, client), pick(other.server, server),
                pick(other.queue, queue), pick(other.check, check), pick(other.tunnel, tunnel),
                pick(other.clientFin, clientFin), pick(other.serverFin, serverFin));
    }

    private static Duration pick(Duration a, Duration b) {
        return a != null ? a : b;
    }
}
