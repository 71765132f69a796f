package io.l4lb.dataplane.proxy;

import java.util.function.BooleanSupplier;

/** Waits for a real event the proxy makes visible only through state (counters), bounded in time. */
final class Await {
    private Await() {
    }

    static void until(BooleanSupplier condition, long timeoutMillis, String what) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
