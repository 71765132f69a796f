package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.netty.util.concurrent.Future;

/** One protocol's active check. Asynchronous: no thread waits on a check. */
public interface Checker {
    /**
     * Starts one check. The future completes on {@code target.loop()} and never exceptionally: every
     * failure is a {@link CheckResult} with the layer that failed and the reason.
     */
    Future<CheckResult> check(CheckTarget target);
}
