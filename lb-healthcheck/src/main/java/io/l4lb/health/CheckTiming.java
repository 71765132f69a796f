package io.l4lb.health;

import io.l4lb.core.config.ServerConfig.ServerOptions;
import java.util.random.RandomGenerator;

/**
 * Check intervals as HAProxy's {@code srv_getinter()}: {@code inter} while fully up,
 * {@code downinter} while fully down, {@code fastinter} in between (going up or down), plus the
 * {@code spread-checks} jitter of {@code process_chk()}: the delay moves by a random amount within
 * +/- percent/2 of itself (HAProxy: rv = inter*spread/100, delay = inter + rv - 2*rv*rand... we keep
 * the same width but centre it) so that checks of many servers do not fire in step.
 */
public final class CheckTiming {
    private CheckTiming() {
    }

    public static long intervalNanos(ServerOptions o, HealthCounter c) {
        if (c.health() == c.rise() + c.fall() - 1) {
            return o.inter().toNanos();
        }
        if (c.health() == 0) {
            return o.downinter().toNanos();
        }
        return o.fastinter().toNanos();
    }

    /** {@code delay} moved by a uniform amount in [-delay*percent/200, +delay*percent/200]. */
    public static long spread(long delayNanos, int spreadPercent, RandomGenerator random) {
        if (spreadPercent <= 0 || delayNanos <= 0) {
            return delayNanos;
        }
        long width = delayNanos * Math.min(spreadPercent, 50) / 100;
        return delayNanos - width / 2 + random.nextLong(width + 1);
    }

    /**
     * Slow start ramp in percent after {@code elapsed} of {@code slowstart}: ceil(100*elapsed/slowstart),
     * at least 1, at most 100 (HAProxy's eweight formula, server.c).
     */
    public static int slowstartPercent(long elapsedNanos, long slowstartNanos) {
        if (slowstartNanos <= 0 || elapsedNanos >= slowstartNanos) {
            return 100;
        }
        long p = (elapsedNanos * 100 + slowstartNanos - 1) / slowstartNanos;
        return (int) Math.max(1, Math.min(100, p));
    }
}
