package io.l4lb.server.admin;

import io.l4lb.admin.AdminRoutes;
import io.l4lb.admin.RuntimeView;
import io.l4lb.admin.http.AdminHttpServer;
import io.l4lb.admin.metrics.PrometheusMetrics;
import io.l4lb.admin.stats.StatsRoutes;
import io.l4lb.core.config.AdminConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ProxyMode;
import io.micrometer.core.instrument.Clock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin plane of a running process: the admin listener ({@code admin} section: /metrics, the
 * JSON API, the stats page), one listener per {@code mode http} section with {@code stats enable},
 * and SIGHUP -> reload. Nothing listens unless the config asks: the admin listener only when the
 * {@code admin} section exists (default 127.0.0.1:9090 when it has no bind), stats listeners only
 * on their own binds. One {@link PrometheusMetrics} (one registry) per process.
 */
public final class AdminPlane implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminPlane.class.getName());
    public static final InetSocketAddress DEFAULT_BIND = new InetSocketAddress("127.0.0.1", 9090);

    private final List<AdminHttpServer> servers = new ArrayList<>();
    private final PrometheusMetrics metrics = new PrometheusMetrics(Clock.SYSTEM);
    private final List<InetSocketAddress> adminAddresses = new ArrayList<>();
    private final List<InetSocketAddress> statsAddresses = new ArrayList<>();

    private AdminPlane() {
    }

    /** Starts every admin listener the config asks for; throws when a bind or the token file fails. */
    public static AdminPlane start(L4Config config, RuntimeView view) throws IOException, InterruptedException {
        AdminPlane p = new AdminPlane();
        try {
            p.startAll(config, view);
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void startAll(L4Config config, RuntimeView view) throws IOException, InterruptedException {
        AdminConfig admin = config.admin();
        if (admin != null) {
            String token = admin.tokenFile() == null ? null : Files.readString(Path.of(admin.tokenFile())).strip();
            AdminHttpServer s = new AdminHttpServer(new AdminRoutes(view, metrics, token, Duration.ofSeconds(10)));
            servers.add(s);
            if (admin.binds().isEmpty()) {
                adminAddresses.add(s.bind(DEFAULT_BIND));
            }
            for (BindConfig b : admin.binds()) {
                adminAddresses.add(s.bind(address(b)));
            }
            LOG.log(System.Logger.Level.INFO, "admin API listening on " + adminAddresses);
        }
        for (FrontendConfig fe : config.frontends().values()) {
            if (fe.mode() != ProxyMode.HTTP || fe.stats() == null || !fe.stats().enabled()) {
                continue;
            }
            AdminHttpServer s = new AdminHttpServer(new StatsRoutes(view, fe.stats()));
            servers.add(s);
            for (BindConfig b : fe.binds()) {
                statsAddresses.add(s.bind(address(b)));
            }
            LOG.log(System.Logger.Level.INFO, "stats page of " + fe.name() + " on " + statsAddresses);
        }
    }

    static InetSocketAddress address(BindConfig b) {
        return b.host() == null ? new InetSocketAddress(b.portLow()) : new InetSocketAddress(b.host(), b.portLow());
    }

    public PrometheusMetrics metrics() {
        return metrics;
    }

    public List<InetSocketAddress> adminAddresses() {
        return List.copyOf(adminAddresses);
    }

    public List<InetSocketAddress> statsAddresses() {
        return List.copyOf(statsAddresses);
    }

    @Override
    public void close() {
        for (AdminHttpServer s : servers) {
            s.close();
        }
        servers.clear();
    }
}
