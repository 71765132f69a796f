package io.l4lb.admin.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.l4lb.admin.RuntimeView;
import io.l4lb.admin.ServerStates;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.LastCheck;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.core.stats.PacketPlaneStats;
import io.l4lb.core.stats.StatField;
import io.l4lb.core.stats.StatsCatalogue;
import io.l4lb.core.stats.VrrpStats;
import java.util.Locale;

/** Renders runtime objects as JSON trees; counters come from {@link StatsCatalogue}. */
public final class ApiJson {
    private final ObjectMapper mapper;

    public ApiJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode frontend(RuntimeView.Frontend fe) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", fe.name());
        n.put("mode", fe.config().mode().name().toLowerCase(Locale.ROOT));
        ArrayNode binds = n.putArray("binds");
        for (BindConfig b : fe.config().binds()) {
            binds.add(bind(b));
        }
        n.put("default_backend", fe.config().defaultBackend());
        ObjectNode stats = n.putObject("stats");
        for (StatField<FrontendCounters> f : StatsCatalogue.FRONTEND) {
            stats.put(f.name(), f.read(fe.counters()));
        }
        stats.put("packets_dropped_total", fe.counters().drops.total());
        if (!fe.counters().drops.reasons().isEmpty()) {
            ObjectNode dropped = n.putObject("packets_dropped");
            fe.counters().drops.snapshot().forEach(dropped::put);
        }
        return n;
    }

    public static String bind(BindConfig b) {
        String host = b.host() == null ? "*" : b.host().contains(":") ? "[" + b.host() + "]" : b.host();
        return host + ":" + (b.portLow() == b.portHigh() ? String.valueOf(b.portLow()) : b.portLow() + "-" + b.portHigh());
    }

    public ObjectNode backend(BackendRuntime be) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", be.name());
        n.put("scheduler", be.config().balance().scheduler());
        n.put("balance", be.config().balance().keyword());
        n.put("forward", be.config().forward().name().toLowerCase(Locale.ROOT));
        n.put("up", be.hasUsableServer());
        n.put("using_backups", be.snapshot().usingBackups());
        ArrayNode servers = n.putArray("servers");
        for (ServerRuntime s : be.servers()) {
            servers.add(server(be, s));
        }
        return n;
    }

    public ObjectNode server(BackendRuntime be, ServerRuntime s) {
        ObjectNode n = mapper.createObjectNode();
        n.put("proxy", be.name());
        n.put("name", s.name());
        n.put("address", s.address() == null ? null : s.address().getAddress().getHostAddress());
        n.put("port", s.address() == null ? s.config().port() : s.address().getPort());
        n.put("forward", be.config().forward().name().toLowerCase(Locale.ROOT));
        n.put("state", ServerStates.of(s));
        n.put("admin_state", s.adminState().name().toLowerCase(Locale.ROOT));
        n.put("agent_state", s.agentState().name().toLowerCase(Locale.ROOT));
        n.put("usable", s.usable());
        n.put("backup", s.config().options().backup());
        n.put("weight", s.weight());
        n.put("effective_weight", s.effectiveWeight());
        n.put("configured_weight", s.config().options().weight());
        ObjectNode health = n.putObject("health");
        health.put("up", s.healthUp());
        health.put("reason", s.healthReason());
        health.put("checked", s.config().options().check());
        LastCheck c = s.lastCheck();
        health.put("check_status", c.status());
        health.put("check_layer", c.layer());
        health.put("check_code", c.code());
        health.put("check_info", c.info());
        health.put("check_duration_ms", c.durationMillis());
        health.put("check_health", c.health());
        ObjectNode stats = n.putObject("stats");
        for (StatField<ServerRuntime> f : StatsCatalogue.SERVER) {
            stats.put(f.name(), f.read(s));
        }
        return n;
    }

    /** The packet plane: the catalogue's counters, then the drops by reason. */
    public ObjectNode packet(PacketPlaneStats p) {
        ObjectNode n = mapper.createObjectNode();
        ObjectNode stats = n.putObject("stats");
        for (StatField<PacketPlaneStats> f : StatsCatalogue.PACKET) {
            stats.put(f.name(), f.read(p));
        }
        stats.put("dropped_total", p.droppedTotal());
        ObjectNode dropped = n.putObject("dropped");
        p.dropped().forEach(dropped::put);
        return n;
    }

    /** One VRRP instance: identity, state, priority, then the catalogue's counters and the drops by reason. */
    public ObjectNode vrrp(VrrpStats v) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", v.name());
        n.put("interface", v.interfaceName());
        n.put("vrid", v.vrid());
        n.put("state", v.state());
        n.put("priority", v.priority());
        n.put("configured_priority", v.configuredPriority());
        ObjectNode stats = n.putObject("stats");
        for (StatField<VrrpStats> f : StatsCatalogue.VRRP) {
            stats.put(f.name(), f.read(v));
        }
        stats.put("adverts_dropped_total", v.droppedTotal());
        ObjectNode dropped = n.putObject("adverts_dropped");
        v.dropped().forEach(dropped::put);
        return n;
    }
}
