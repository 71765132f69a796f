package io.l4lb.health.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition on state another thread changes (weights, counters without listeners):
 * a scheduler samples it every 2 ms and completes a future the test waits on with a bound. No
 * sleeping in the test thread; fails with {@code what} when the bound passes.
 */
public final class Await {
    private static final ScheduledExecutorService SAMPLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "await-sampler");
        t.setDaemon(true);
        return t;
    });

    private Await() {
    }

    public static void until(BooleanSupplier condition, Duration bound, String what) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledFuture<?> f = SAMPLER.scheduleAtFixedRate(() -> {
            if (condition.getAsBoolean()) {
                done.complete(null);
            }
        }, 0, 2, TimeUnit.MILLISECONDS);
        try {
            done.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("not within " + bound + ": " + what);
        } finally {
            f.cancel(false);
        }
    }

    /** Samples {@code sample} every period while the returned handle is open (for ramps). */
    public static ScheduledFuture<?> every(Duration period, Runnable sample) {
        return SAMPLER.scheduleAtFixedRate(sample, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }
}
