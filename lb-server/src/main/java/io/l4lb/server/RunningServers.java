package io.l4lb.server;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts long-running servers started by a command, so {@code main} does not exit under them. */
public final class RunningServers {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private RunningServers() {
    }

    public static void started() {
        COUNT.incrementAndGet();
    }

    public static void stopped() {
        COUNT.decrementAndGet();
    }

    public static boolean any() {
        return COUNT.get() > 0;
    }
}
