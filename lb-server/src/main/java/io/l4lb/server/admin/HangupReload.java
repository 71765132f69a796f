package io.l4lb.server.admin;

import io.l4lb.admin.RuntimeView;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * SIGHUP -> reload, like HAProxy's master process and {@code systemctl reload}.
 *
 * <p>JDK 25 has no supported signal API: {@code sun.misc.Signal} (module {@code jdk.unsupported},
 * readable from the class path without flags) is what works; {@code jdk.internal.misc.Signal}
 * would need {@code --add-exports}. The JVM runs the handler on a signal-dispatch thread, so the
 * reload is handed to a single worker: a burst of SIGHUPs reloads one after the other.
 */
public final class HangupReload {
    private static final System.Logger LOG = System.getLogger(HangupReload.class.getName());

    private HangupReload() {
    }

    /** Installs the handler; returns the worker so the caller can shut it down. */
    @SuppressWarnings("restriction")
    public static ExecutorService install(RuntimeView view) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon()
                .name("l4lb-reload").unstarted(r));
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> worker.execute(() -> {
            LOG.log(System.Logger.Level.INFO, "SIGHUP: reloading " + view.config().source());
            RuntimeView.ReloadResult r = view.reload();
            if (!r.ok()) {
                LOG.log(System.Logger.Level.ERROR, "SIGHUP reload rejected: " + String.join("; ", r.errors()));
            }
        }));
        return worker;
    }
}
