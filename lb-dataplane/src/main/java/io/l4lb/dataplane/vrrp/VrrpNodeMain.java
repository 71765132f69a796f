package io.l4lb.dataplane.vrrp;

import io.l4lb.core.config.VrrpConfig;
import io.l4lb.core.time.NanoClock;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * Runs one VRRP instance from command-line arguments, so tests (and operators trying the
 * protocol) can start nodes as separate processes inside network namespaces:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... io.l4lb.dataplane.vrrp.VrrpNodeMain \
 *   --name vi1 --interface eth0 --vrid 51 --priority 150 --advert-int-ms 100 \
 *   --vip 10.9.0.100/24 [--vip ...] [--unicast-peer 10.9.0.2 ...] [--nopreempt]
 *   [--preempt-delay-ms N] [--auth-key-file F] [--notify SCRIPT] [--track NAME:WEIGHT:FILE ...]
 *   [--serve-port PORT] [--alloc-report-ms N]
 * java ... io.l4lb.dataplane.vrrp.VrrpNodeMain --config l4lb.cfg [--instance NAME] [--serve-port PORT]
 * </pre>
 *
 * {@code --track} tracks a backend whose usability is the existence of FILE (the stand-in for
 * {@code BackendRuntime::hasUsableServer}). Stdout gets one line per event, with the monotonic
 * clock ({@link System#nanoTime}, CLOCK_MONOTONIC, shared by all processes of the host) so a test
 * can time a failover against the moment it killed the master:
 * {@code STATE MASTER prio=150 mono=...}, {@code GARP frames=5 mono=...}, {@code COUNTERS ...}.
 * SIGTERM stops cleanly (priority 0 sent when master).
 */
public final class VrrpNodeMain {
    private VrrpNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        Parsed p;
        try {
            p = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("VrrpNodeMain: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        VrrpListener listener = new VrrpListener() {
            @Override
            public void onBecomeMaster(String instance, int priority) {
                line(out, "STATE MASTER prio=" + priority);
            }

            @Override
            public void onBecomeBackup(String instance, int priority) {
                line(out, "STATE BACKUP prio=" + priority);
            }

            @Override
            public void onStop(String instance) {
                line(out, "STATE STOP");
            }

            @Override
            public void onGratuitousArp(String instance, int frames) {
                line(out, "GARP frames=" + frames);
            }
        };
        VrrpInstance instance = new VrrpInstance(VrrpSettings.from(p.config), p.tracked, listener, NanoClock.SYSTEM);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            line(out, "SHUTDOWN");
            instance.close();
            line(out, "COUNTERS " + instance.counters());
            done.countDown();
        }, "vrrp-shutdown"));
        if (p.servePort > 0) {
            serve(p.config.virtualAddresses().getFirst(), p.servePort, p.config.name());
        }
        instance.start();
        line(out, "STARTED");
        if (p.allocReportMillis > 0) {
            reportAllocations(out, instance, p.allocReportMillis);
        }
        done.await();
    }

    private static synchronized void line(PrintStream out, String text) {
        out.println(text + " mono=" + System.nanoTime());
        out.flush();
    }

    /**
     * {@code --config FILE [--instance NAME] [--serve-port PORT]}: the {@code vrrp} section of an
     * l4lb config file. The runner has no backends, so every tracked backend counts as usable.
     */
    private static Parsed parseConfig(String[] args) {
        String instance = null;
        int servePort = 0;
        long allocReportMillis = 0;
        for (int i = 2; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--instance" -> instance = args[i + 1];
                case "--serve-port" -> servePort = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option with --config: " + args[i]);
            }
        }
        io.l4lb.core.config.L4Config cfg;
        try {
            cfg = io.l4lb.core.config.ConfigParser.parseFile(Path.of(args[1]));
        } catch (java.io.IOException | io.l4lb.core.config.ConfigException e) {
            throw new IllegalArgumentException(args[1] + ": " + e.getMessage(), e);
        }
        String wanted = instance;
        List<VrrpConfig> matching = cfg.vrrp().stream().filter(v -> wanted == null || v.name().equals(wanted)).toList();
        if (matching.size() != 1) {
            throw new IllegalArgumentException(args[1] + ": " + matching.size() + " vrrp sections match"
                    + (wanted == null ? "" : " '" + wanted + "'") + " (expected: exactly one; use --instance NAME)");
        }
        VrrpConfig c = matching.getFirst();
        List<BooleanSupplier> tracked = new ArrayList<>();
        c.trackBackends().forEach(t -> tracked.add(() -> true));
        return new Parsed(c, tracked, servePort, allocReportMillis);
    }

    record Parsed(VrrpConfig config, List<BooleanSupplier> tracked, int servePort, long allocReportMillis) {
    }

    /**
     * Prints {@code ALLOC bytes=B sent=S received=R} every {@code millis}: the bytes the VRRP thread
     * allocated so far (HotSpot's per-thread counter) against the adverts it handled, so a test
     * can check that steady-state adverts allocate nothing.
     */
    private static void reportAllocations(PrintStream out, VrrpInstance instance, long millis) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alloc-report");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> line(out, "ALLOC bytes=" + mx.getThreadAllocatedBytes(instance.threadId())
                + " sent=" + instance.counters().get(VrrpCounters.Kind.ADVERTS_SENT)
                + " received=" + instance.counters().get(VrrpCounters.Kind.ADVERTS_RECEIVED)),
                millis, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * A demo service on VIP:port answering {@code l4lb-node HOST}: lets a test see which node
     * serves the VIP. Bound before the VIP exists (needs IP_FREEBIND or ip_nonlocal_bind).
     */
    private static void serve(String vip, int port, String name) throws java.io.IOException {
        String host = vip.contains("/") ? vip.substring(0, vip.indexOf('/')) : vip;
        java.net.ServerSocket server = new java.net.ServerSocket();
        server.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(host), port));
        String id = "l4lb-node " + System.getProperty("l4lb.node.id", name) + "\n";
        Thread t = new Thread(() -> {
            while (true) {
                try (java.net.Socket s = server.accept()) {
                    s.getOutputStream().write(id.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "demo-service");
        t.setDaemon(true);
        t.start();
    }

    static Parsed parse(String[] args) {
        if (args.length >= 2 && args[0].equals("--config")) {
            return parseConfig(args);
        }
        String name = "vi1";
        String iface = null;
        int vrid = -1;
        int priority = 100;
        long advertMs = 1000;
        long preemptDelayMs = 0;
        boolean preempt = true;
        String auth = null;
        String notify = null;
        int servePort = 0;
        long allocReportMillis = 0;
        List<String> vips = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        List<VrrpConfig.TrackBackend> tracks = new ArrayList<>();
        List<BooleanSupplier> tracked = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--nopreempt")) {
                preempt = false;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--name" -> name = v;
                case "--interface" -> iface = v;
                case "--vrid" -> vrid = Integer.parseInt(v);
                case "--priority" -> priority = Integer.parseInt(v);
                case "--advert-int-ms" -> advertMs = Long.parseLong(v);
                case "--preempt-delay-ms" -> preemptDelayMs = Long.parseLong(v);
                case "--vip" -> vips.add(v);
                case "--unicast-peer" -> peers.add(v);
                case "--auth-key-file" -> auth = v;
                case "--notify" -> notify = v;
                case "--serve-port" -> servePort = Integer.parseInt(v);
                case "--alloc-report-ms" -> allocReportMillis = Long.parseLong(v);
                case "--track" -> {
                    String[] parts = v.split(":", 3);
                    if (parts.length != 3) {
                        throw new IllegalArgumentException("--track " + v + " (expected: NAME:WEIGHT:FILE)");
                    }
                    tracks.add(new VrrpConfig.TrackBackend(parts[0], Integer.parseInt(parts[1])));
                    Path file = Path.of(parts[2]);
                    tracked.add(() -> Files.exists(file));
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (iface == null || vrid < 0 || vips.isEmpty()) {
            throw new IllegalArgumentException("--interface, --vrid and --vip are required");
        }
        VrrpConfig c = new VrrpConfig(name, iface, vrid, priority, Duration.ofMillis(advertMs), vips, peers, preempt,
                Duration.ofMillis(preemptDelayMs), auth, tracks, notify, null);
        return new Parsed(c, tracked, servePort, allocReportMillis);
    }
}
