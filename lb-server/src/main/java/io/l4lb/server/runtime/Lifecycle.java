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
     * As above, closing {@code beforeDrain} first: the VRRP instances, so a master sends priority 0
     * and gives the VIPs away (the peer takes over after Skew_Time) before the proxy drains.
     */
    public static void stopOnSignal(ProxyRuntime runtime, List<? extends AutoCloseable> beforeDrain,
                                    AutoCloseable... alsoClose) {
        RunningServers.started();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("l4lb-stop").unstarted(() -> {
            for (AutoCloseable c : beforeDrain) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "stop: " + e);
                }
            }
            LOG.log(System.Logger.Level.INFO, "stopping: no new connections, draining "
                    + runtime.engine().activeConnections() + " live connection(s)");
            try {
                runtime.stop().get(10, TimeUnit.MINUTES);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stop: " + e);
            }
            for (AutoCloseable c : alsoClose) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "stop: " + e);
                }
            }
            RunningServers.stopped();
        }));
    }
}
