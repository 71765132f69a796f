package io.l4lb.server.runtime;

import io.l4lb.server.RunningServers;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Process lifecycle of a running proxy: SIGTERM/SIGINT run the JVM shutdown hooks, and the hook
 * installed here stops gracefully (stop accepting, drain up to {@code hard-stop-after}, close).
 * The JVM waits for the hook, so live connections get their grace period.
 */
public final class Lifecycle {
    private static final System.Logger LOG = System.getLogger(Lifecycle.class.getName());

    private Lifecycle() {
    }

    public static void stopOnSignal(ProxyRuntime runtime, AutoCloseable... alsoClose) {
        stopOnSignal(runtime, List.of(), alsoClose);
    }

    /**
     * As above; {@code beforeDrain} are closed first, when the stop begins (health checks: they
     * run on the proxy's event loops, and a check cut by the loops' shutdown must not log a
     * server DOWN), {@code alsoClose} after the drain.
     */
    public static void stopOnSignal(ProxyRuntime runtime, List<AutoCloseable> beforeDrain, AutoCloseable... alsoClose) {
        RunningServers.started();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("l4lb-stop").unstarted(() -> {
            LOG.log(System.Logger.Level.INFO, "stopping: no new connections, draining "
                    + runtime.engine().activeConnections() + " live connection(s)");
            closeAll(beforeDrain);
            try {
                runtime.stop().get(10, TimeUnit.MINUTES);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stop: " + e);
            }
            closeAll(List.of(alsoClose));
            RunningServers.stopped();
        }));
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stop: " + e);
            }
        }
    }
}
