package io.l4lb.server.runtime;

import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.VrrpConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.stats.VrrpStats;
import io.l4lb.core.time.NanoClock;
import io.l4lb.dataplane.vrrp.DropReason;
import io.l4lb.dataplane.vrrp.VrrpInstance;
import io.l4lb.dataplane.vrrp.VrrpListener;
import io.l4lb.dataplane.vrrp.VrrpSettings;
import io.l4lb.dataplane.vrrp.VrrpStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * VRRP in {@code l4lb run}: one {@link VrrpInstance} per {@code vrrp NAME} section (docs/vrrp.md).
 *
 * <ul>
 *   <li>{@code track-backend NAME}: the supplier is the running backend's
 *       {@link BackendRuntime#hasUsableServer()}, polled by the VRRP thread;</li>
 *   <li>the VIPs ({@link #virtualAddresses}) are given to the proxy, which binds them with
 *       IP_FREEBIND, so both nodes listen and the node holding the address serves;</li>
 *   <li>{@link #listeners()} is the hook for other subsystems that follow the VRRP state (the
 *       packet engine's {@code setAnswering}): every listener added before {@link #start()} hears
 *       every instance, on the VRRP thread (keep it short);</li>
 *   <li>{@link #close()} is the clean stop of RFC 5798 section 6.4.3: a master sends priority 0 and
 *       removes its VIPs, so the peer takes over after Skew_Time. {@code l4lb run} calls it before the
 *       proxy drains.</li>
 * </ul>
 */
public final class VrrpWiring implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VrrpWiring.class.getName());

    private final List<VrrpInstance> instances = new ArrayList<>();
    private final List<VrrpListener> listeners = new CopyOnWriteArrayList<>();
    private final PrintStream out;

    private VrrpWiring(PrintStream out) {
        this.out = out;
    }

    /**
     * Checks every {@code vrrp} section and builds its instance (nothing is opened yet).
     *
     * @param backends the running backends by name (track-backend targets)
     * @throws IllegalArgumentException a section is invalid, or tracks a backend that is not running
     */
    public static VrrpWiring of(L4Config config, Map<String, BackendRuntime> backends, PrintStream out) {
        VrrpWiring w = new VrrpWiring(out);
        for (VrrpConfig c : config.vrrp()) {
            VrrpSettings s = VrrpSettings.from(c);
            List<BooleanSupplier> tracked = new ArrayList<>();
            for (VrrpConfig.TrackBackend t : s.tracks()) {
                BackendRuntime b = backends.get(t.backend());
                if (b == null) {
                    throw new IllegalArgumentException("vrrp " + c.name() + ": 'track-backend': " + t.backend()
                            + " (expected: a backend l4lb runs; only 'mode tcp' backends are tracked)");
                }
                tracked.add(b::hasUsableServer);
            }
            w.instances.add(new VrrpInstance(s, tracked, w.new Fanout(), NanoClock.SYSTEM));
        }
        return w;
    }

    /** Every VIP of every {@code vrrp} section (without prefix), for the proxy's IP_FREEBIND binds. */
    public static List<InetAddress> virtualAddresses(L4Config config) {
        LinkedHashSet<InetAddress> out = new LinkedHashSet<>();
        for (VrrpConfig c : config.vrrp()) {
            for (String v : c.virtualAddresses()) {
                int slash = v.indexOf('/');
                try {
                    out.add(InetAddress.ofLiteral(slash < 0 ? v : v.substring(0, slash)));
                } catch (IllegalArgumentException e) {
                    // VrrpSettings.from reports it with the section's name
                }
            }
        }
        return List.copyOf(out);
    }

    /** Listeners told about every instance's transitions; add them before {@link #start()}. */
    public List<VrrpListener> listeners() {
        return listeners;
    }

    public boolean isEmpty() {
        return instances.isEmpty();
    }

    public List<VrrpInstance> instances() {
        return List.copyOf(instances);
    }

    /** Opens the sockets and starts every instance; on a failure the ones started are stopped. */
    public void start() throws IOException {
        List<VrrpInstance> started = new ArrayList<>();
        try {
            for (VrrpInstance i : instances) {
                i.start();
                started.add(i);
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(VrrpInstance::close);
            throw e;
        }
    }

    /** A snapshot of every instance, for the admin plane. */
    public List<VrrpStats> stats() {
        List<VrrpStats> out = new ArrayList<>(instances.size());
        for (VrrpInstance i : instances) {
            out.add(stats(i.status()));
        }
        return out;
    }

    static VrrpStats stats(VrrpStatus s) {
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            dropped.put(r.label(), s.droppedByReason().getOrDefault(r, 0L));
        }
        return new VrrpStats(s.name(), s.interfaceName(), s.vrid(), s.state().name(), s.priority(),
                s.configuredPriority(), s.transitions(), s.advertsSent(), s.advertsReceived(), s.advertsLate(),
                s.garpSent(), dropped);
    }

    /** Clean stop of every instance: priority 0 from a master, VIPs removed (each waits for its thread). */
    @Override
    public void close() {
        for (VrrpInstance i : instances) {
            try {
                i.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "vrrp " + i.name() + ": stop: " + e);
            }
        }
    }

    /** The one listener each instance has: prints the transition and forwards it to {@link #listeners}. */
    private final class Fanout implements VrrpListener {
        @Override
        public void onBecomeMaster(String instance, int priority) {
            print(instance, "MASTER", priority);
            for (VrrpListener l : listeners) {
                l.onBecomeMaster(instance, priority);
            }
        }

        @Override
        public void onBecomeBackup(String instance, int priority) {
            print(instance, "BACKUP", priority);
            for (VrrpListener l : listeners) {
                l.onBecomeBackup(instance, priority);
            }
        }

        @Override
        public void onStop(String instance) {
            print(instance, "STOP", 0);
            for (VrrpListener l : listeners) {
                l.onStop(instance);
            }
        }

        @Override
        public void onGratuitousArp(String instance, int frames) {
            for (VrrpListener l : listeners) {
                l.onGratuitousArp(instance, frames);
            }
        }

        private void print(String instance, String state, int priority) {
            // One line per transition (rare): operators and the end-to-end test read it.
            out.println("l4lb: vrrp " + instance + " " + state
                    + (priority > 0 ? " priority " + priority : ""));
            out.flush();
        }
    }
}
