package io.l4lb.admin.metrics;

import io.l4lb.admin.RuntimeView;
import io.l4lb.admin.ServerStates;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.DropCounters;
import io.l4lb.core.stats.PacketPlaneStats;
import io.l4lb.core.stats.StatField;
import io.l4lb.core.stats.StatType;
import io.l4lb.core.stats.StatsCatalogue;
import io.l4lb.core.stats.VrrpStats;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus view of l4lb. One {@link PrometheusMeterRegistry} per instance (never Micrometer's
 * global registry), on its own {@link PrometheusRegistry}: the process owns exactly one of these.
 *
 * <p>Meters are function meters reading the live objects of {@link RuntimeView}: nothing is
 * copied on the hot path. Before each scrape {@link #sync} registers meters for objects that
 * appeared (a server added, a reload) and removes those of objects that went away. Names come
 * from {@link StatsCatalogue} with the {@code l4lb_frontend_} / {@code l4lb_server_} prefix and
 * mirror HAProxy's exporter ({@code haproxy_server_current_sessions} -> {@code
 * l4lb_server_current_sessions}); labels are {@code proxy} and {@code server}.
 */
public final class PrometheusMetrics {
    private final PrometheusMeterRegistry registry;
    /** Prometheus text format 0.0.4 and OpenMetrics 1.0.0 (what the scraper asks for in Accept). */
    public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** Meters per live object, keyed by the object's identity so a replaced server is re-registered. */
    private final Map<Object, List<Meter>> meters = new HashMap<>();
    /** One-hot state meters ({@code check_status}, {@code status}): key -> (label value, meter). */
    private final Map<String, Map.Entry<String, Meter>> stateMeters = new HashMap<>();
    /** VRRP snapshots by instance name, refreshed by each {@link #sync}; the VRRP meters read them. */
    private final Map<String, VrrpHolder> vrrp = new HashMap<>();

    /** The packet plane's latest snapshot, refreshed by each {@link #sync}; the l4lb_packet_ meters read it. */
    private final PacketHolder packet = new PacketHolder();

    private static final class PacketHolder {
        volatile PacketPlaneStats stats;
    }

    /** The latest snapshot of one VRRP instance (the meters' target: a snapshot is a new object each time). */
    private static final class VrrpHolder {
        volatile VrrpStats stats;

        VrrpHolder(VrrpStats stats) {
            this.stats = stats;
        }
    }

    public PrometheusMetrics(Clock clock) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The exposition for an Accept header: OpenMetrics when asked for, else text 0.0.4. */
    public synchronized Exposition scrape(RuntimeView view, String accept) {
        sync(view);
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
        return new Exposition(type, registry.scrape(type));
    }

    /** A rendered scrape and its Content-Type. */
    public record Exposition(String contentType, String body) {
    }

    /** Brings the meters in line with the running objects. */
    public synchronized void sync(RuntimeView view) {
        Set<Object> seen = new HashSet<>();
        Set<String> seenStates = new HashSet<>();
        for (RuntimeView.Frontend fe : view.frontends()) {
            seen.add(fe.counters());
            meters.computeIfAbsent(fe.counters(), k -> frontendMeters(fe));
        }
        for (BackendRuntime be : view.backends()) {
            seen.add(be);
            meters.computeIfAbsent(be, k -> backendMeters(be));
            for (ServerRuntime s : be.servers()) {
                seen.add(s);
                meters.computeIfAbsent(s, k -> serverMeters(be.name(), s));
                Tags tags = Tags.of("proxy", be.name(), "server", s.name());
                String key = be.name() + "/" + s.name();
                oneHot("l4lb.server.check.status", "Status of the last health check (HAProxy check_status), "
                        + "1 for the current state.", key + "#check", tags, s.lastCheck().status(), seenStates);
                oneHot("l4lb.server.status", "Server state (UP, DOWN, DRAIN, MAINT, NOLB), 1 for the current one.",
                        key + "#status", tags, ServerStates.of(s), seenStates);
            }
        }
        for (VrrpStats v : view.vrrp()) {
            VrrpHolder h = vrrp.computeIfAbsent(v.name(), k -> new VrrpHolder(v));
            h.stats = v;
            seen.add(h);
            meters.computeIfAbsent(h, k -> vrrpMeters(h));
        }
        PacketPlaneStats p = view.packetPlane();
        if (p != null) {
            packet.stats = p;
            seen.add(packet);
            meters.computeIfAbsent(packet, k -> packetMeters(p));
        }
        vrrp.values().removeIf(h -> !seen.contains(h));
        meters.entrySet().removeIf(e -> {
            if (seen.contains(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
        stateMeters.entrySet().removeIf(e -> {
            if (seenStates.contains(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue().getValue());
            return true;
        });
    }

    private void oneHot(String name, String help, String key, Tags tags, String state, Set<String> seen) {
        seen.add(key);
        Map.Entry<String, Meter> cur = stateMeters.get(key);
        if (cur != null && cur.getKey().equals(state)) {
            return;
        }
        if (cur != null) {
            registry.remove(cur.getValue());
        }
        Meter m = Gauge.builder(name, () -> 1).description(help).tags(tags.and("state", state)).register(registry);
        stateMeters.put(key, Map.entry(state, m));
    }

    private List<Meter> frontendMeters(RuntimeView.Frontend fe) {
        List<Meter> out = new ArrayList<>();
        Tags tags = Tags.of("proxy", fe.name());
        for (StatField<io.l4lb.core.stats.FrontendCounters> f : StatsCatalogue.FRONTEND) {
            out.add(field("l4lb_frontend_", f, fe.counters(), tags));
        }
        // dr/tunnel frontends: one series per drop reason (zeros included); proxy ones have none
        DropCounters drops = fe.counters().drops;
        for (String reason : drops.reasons()) {
            out.add(counter("l4lb_frontend_packets_dropped_total",
                    "Packets of the frontend's dr/tunnel services dropped, by reason.",
                    drops, tags.and("reason", reason), d -> d.get(reason)));
        }
        return out;
    }

    /**
     * {@code l4lb_packet_*} from {@link StatsCatalogue#PACKET} (no label: one packet plane per
     * process) plus {@code l4lb_packet_dropped_total{reason}}, one series per reason from the start.
     */
    private List<Meter> packetMeters(PacketPlaneStats first) {
        List<Meter> out = new ArrayList<>();
        for (StatField<PacketPlaneStats> f : StatsCatalogue.PACKET) {
            ToDoubleFunction<PacketHolder> fn = x -> f.read(x.stats);
            String name = "l4lb_packet_" + f.name();
            out.add(f.type() == StatType.COUNTER ? counter(name, f.help(), packet, Tags.empty(), fn)
                    : gauge(name, f.help(), packet, Tags.empty(), fn));
        }
        for (String reason : first.dropped().keySet()) {
            out.add(counter("l4lb_packet_dropped_total",
                    "Frames the dr/tunnel packet plane dropped, by reason (every frontend and none).",
                    packet, Tags.of("reason", reason), x -> x.stats.dropped().getOrDefault(reason, 0L)));
        }
        return out;
    }

    private List<Meter> serverMeters(String backend, ServerRuntime s) {
        List<Meter> out = new ArrayList<>();
        Tags tags = Tags.of("proxy", backend, "server", s.name());
        for (StatField<ServerRuntime> f : StatsCatalogue.SERVER) {
            out.add(field("l4lb_server_", f, s, tags));
        }
        out.add(gauge("l4lb_server_check_duration_seconds", "Duration of the last health check.", s, tags,
                x -> x.lastCheck().durationMillis() / 1000.0));
        out.add(gauge("l4lb_server_check_health", "Rise/fall counter after the last check (0 .. rise+fall-1).",
                s, tags, x -> x.lastCheck().health()));
        out.add(gauge("l4lb_server_check_code", "Protocol code of the last check (HTTP status...), -1 when none.",
                s, tags, x -> x.lastCheck().code()));
        return out;
    }

    /**
     * {@code l4lb_vrrp_*} from {@link StatsCatalogue#VRRP}, labels {@code vrrp} (the section name),
     * {@code interface}, {@code vrid}; plus {@code l4lb_vrrp_adverts_dropped_total{reason}}, one
     * series per drop reason (zeros included, so {@code rate()} sees the first drop).
     */
    private List<Meter> vrrpMeters(VrrpHolder h) {
        List<Meter> out = new ArrayList<>();
        VrrpStats first = h.stats;
        Tags tags = Tags.of("vrrp", first.name(), "interface", first.interfaceName(),
                "vrid", Integer.toString(first.vrid()));
        for (StatField<VrrpStats> f : StatsCatalogue.VRRP) {
            ToDoubleFunction<VrrpHolder> fn = x -> f.read(x.stats);
            String name = "l4lb_vrrp_" + f.name();
            out.add(f.type() == StatType.COUNTER ? counter(name, f.help(), h, tags, fn)
                    : gauge(name, f.help(), h, tags, fn));
        }
        for (String reason : first.dropped().keySet()) {
            out.add(counter("l4lb_vrrp_adverts_dropped_total",
                    "Received advertisements discarded without a state change, by reason (RFC 5798 section 7.1).",
                    h, tags.and("reason", reason), x -> x.stats.dropped().getOrDefault(reason, 0L)));
        }
        return out;
    }

    private List<Meter> backendMeters(BackendRuntime be) {
        List<Meter> out = new ArrayList<>();
        Tags tags = Tags.of("proxy", be.name());
        out.add(gauge("l4lb_backend_up", "1 when at least one server (active or backup) takes connections.",
                be, tags, b -> b.hasUsableServer() ? 1 : 0));
        out.add(gauge("l4lb_backend_active_servers", "Usable active (non-backup) servers.", be, tags,
                b -> count(b, false)));
        out.add(gauge("l4lb_backend_backup_servers", "Usable backup servers.", be, tags, b -> count(b, true)));
        out.add(gauge("l4lb_backend_weight", "Sum of the effective weights of the servers in the snapshot.",
                be, tags, b -> b.snapshot().members().stream().mapToLong(ServerRuntime::effectiveWeight).sum()));
        // Aggregates of the server fields: sums over the backend's current servers.
        for (StatField<ServerRuntime> f : StatsCatalogue.SERVER) {
            if (f.name().equals("up") || f.name().equals("weight")) {
                continue;
            }
            ToDoubleFunction<BackendRuntime> sum = b -> b.servers().stream().mapToLong(f::read).sum();
            String name = "l4lb_backend_" + f.name();
            String help = f.help() + " Sum over the backend's servers.";
            out.add(f.type() == StatType.COUNTER ? counter(name, help, be, tags, sum) : gauge(name, help, be, tags, sum));
        }
        return out;
    }

    private static long count(BackendRuntime b, boolean backup) {
        return b.servers().stream().filter(s -> s.usable() && s.config().options().backup() == backup).count();
    }

    private <T> Meter field(String prefix, StatField<T> f, T target, Tags tags) {
        String name = prefix + f.name();
        return f.type() == StatType.COUNTER
                ? counter(name, f.help(), target, tags, f::read)
                : gauge(name, f.help(), target, tags, f::read);
    }

    private <T> Meter gauge(String name, String help, T target, Tags tags, ToDoubleFunction<T> fn) {
        return Gauge.builder(name, target, fn).description(help).tags(tags).strongReference(true).register(registry);
    }

    private <T> Meter counter(String name, String help, T target, Tags tags, ToDoubleFunction<T> fn) {
        // The Prometheus naming convention appends _total to counters: strip ours so it appears once.
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        return FunctionCounter.builder(base, target, fn).description(help).tags(tags).register(registry);
    }
}
