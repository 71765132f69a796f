package io.l4lb.server.cli;

import io.l4lb.core.config.ConfigException;
import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.Diagnostic;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.server.runtime.HealthWiring;
import io.l4lb.server.runtime.Lifecycle;
import io.l4lb.server.runtime.PacketWiring;
import io.l4lb.server.runtime.ProxyRuntime;
import io.l4lb.server.runtime.VrrpWiring;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code l4lb run -f FILE}: parses the config, starts the proxy listeners, runs until SIGTERM. */
public final class RunCommand implements Command {
    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run the load balancer from a config file";
    }

    @Override
    public String usage() {
        return """
                usage: l4lb run -f FILE

                Starts every 'mode tcp' frontend of FILE (proxy mode on Netty; 'forward dr' and
                'forward tunnel' backends on the AF_PACKET packet plane) and every 'vrrp' section
                (VIPs bound with IP_FREEBIND), and runs until SIGTERM/SIGINT, which first stops
                VRRP (a master sends priority 0 and gives its VIPs away), then stops accepting,
                lets live connections finish for up to 'hard-stop-after' (global), then closes them.
                Server host names are resolved once at start (init-addr); a name that does not
                resolve starts DOWN. Health checks (check, agent-check, observe layer4) run on
                the proxy's event loops, also for servers added later by the API or a reload.
                Exit status: 1 invalid config or bind failure, 2 usage error.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Path file = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-f") && i + 1 < args.size()) {
                file = Path.of(args.get(++i));
            } else if (a.startsWith("-f") && a.length() > 2) {
                file = Path.of(a.substring(2));
            } else {
                err.println("l4lb run: unexpected argument '" + a + "'");
                err.println(usage());
                return 2;
            }
        }
        if (file == null) {
            err.println("l4lb run: -f FILE is required");
            err.println(usage());
            return 2;
        }
        L4Config config;
        try {
            config = ConfigParser.parseFile(file);
        } catch (IOException e) {
            err.println("[ALERT] cannot read " + file + ": " + e.getMessage());
            return 1;
        } catch (ConfigException e) {
            for (Diagnostic d : e.warnings()) {
                err.println(d);
            }
            for (Diagnostic d : e.errors()) {
                err.println(d);
            }
            return 1;
        }
        for (Diagnostic d : config.warnings()) {
            err.println(d);
        }
        HealthWiring health = new HealthWiring(config.global());
        ProxyRuntime runtime = null;
        VrrpWiring vrrp;
        try {
            runtime = ProxyRuntime.of(config, health);
            vrrp = VrrpWiring.of(config, runtime.backends(), out);
            runtime.engine().freebind(VrrpWiring.virtualAddresses(config));
            runtime.start();
            health.start(runtime);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("[ALERT] " + e.getMessage());
            health.close();
            if (runtime != null) {
                runtime.close();
            }
            return 1;
        }
        describe(runtime, config, out, err);
        PacketWiring packet;
        try {
            packet = PacketWiring.start(config, runtime.backends(), out, err);
        } catch (Exception e) {
            err.println("[ALERT] packet plane: " + e.getMessage());
            health.close();
            runtime.close();
            return 1;
        }
        if (packet != null && !vrrp.isEmpty()) {
            followVrrp(packet, vrrp);
        }
        try {
            vrrp.start();
        } catch (IOException | RuntimeException e) {
            err.println("[ALERT] vrrp: " + e.getMessage());
            health.close();
            runtime.close();
            if (packet != null) {
                packet.close();
            }
            return 1;
        }
        AutoCloseable admin;
        try {
            admin = io.l4lb.server.admin.AdminWiring.start(file, config, runtime, out, health, vrrp::stats, packet);
        } catch (Exception e) {
            err.println("[ALERT] admin: " + e);
            vrrp.close();
            health.close();
            runtime.close();
            if (packet != null) {
                packet.close();
            }
            return 1;
        }
        // VRRP first (priority 0: the peer takes over after Skew_Time), then health, then the drain.
        Lifecycle.stopOnSignal(runtime, List.<AutoCloseable>of(vrrp, health), admin,
                packet == null ? () -> { } : packet);
        return 0;
    }

    /**
     * In a VRRP pair only the master answers ARP for the VIPs (the standby must stay silent, or
     * clients would send to both): answering is on while any instance of this node is MASTER.
     */
    private static void followVrrp(PacketWiring packet, VrrpWiring vrrp) {
        packet.plane().setAnswering(false);
        java.util.Set<String> masters = java.util.concurrent.ConcurrentHashMap.newKeySet();
        vrrp.listeners().add(new io.l4lb.dataplane.vrrp.VrrpListener() {
            @Override
            public void onBecomeMaster(String instance, int priority) {
                masters.add(instance);
                packet.plane().setAnswering(true);
            }

            @Override
            public void onBecomeBackup(String instance, int priority) {
                onStop(instance);
            }

            @Override
            public void onStop(String instance) {
                masters.remove(instance);
                packet.plane().setAnswering(!masters.isEmpty());
            }
        });
    }

    static void describe(ProxyRuntime runtime, L4Config config, PrintStream out, PrintStream err) {
        out.println("l4lb: transport " + runtime.engine().transport().kind().name().toLowerCase(java.util.Locale.ROOT));
        for (String fe : config.frontends().keySet()) {
            List<?> bound = runtime.boundAddresses(fe);
            if (!bound.isEmpty()) {
                out.println("l4lb: frontend " + fe + " listening on " + bound);
            }
        }
        for (String s : runtime.skipped()) {
            out.println("l4lb: frontend " + s + " not served by the proxy");
        }
        for (BackendRuntime b : runtime.backends().values()) {
            for (ServerRuntime s : b.servers()) {
                if (s.address() == null) {
                    err.println("[WARNING] backend " + b.name() + ", server " + s.name() + ": '"
                            + s.config().host() + "' does not resolve: starting DOWN");
                }
            }
        }
    }
}
