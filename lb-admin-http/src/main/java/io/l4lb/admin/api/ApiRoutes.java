package io.l4lb.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.l4lb.admin.AdminException;
import io.l4lb.admin.RuntimeView;
import io.l4lb.admin.http.AdminRequest;
import io.l4lb.admin.http.AdminResponse;
import io.l4lb.core.config.ConfigException;
import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON runtime API under {@code /api}. Paths (methods):
 * <pre>
 * /api/config                                   GET   running config source and version
 * /api/frontends                                GET
 * /api/backends                                 GET
 * /api/backends/B                               GET
 * /api/servers                                  GET   every server of every backend
 * /api/backends/B/servers                       GET, POST {"name","address","port","weight","backup","options"}
 * /api/backends/B/servers/S                     GET, DELETE
 * /api/backends/B/servers/S/weight              PUT/POST {"weight": 0..256}
 * /api/backends/B/servers/S/state               PUT/POST {"state": "ready"|"drain"|"maint"}
 * /api/backends/B/servers/S/{ready,drain,maint} POST
 * /api/reload                                   POST
 * /api/vrrp                                     GET   VRRP instances: state, priority, counters, drops
 * /api/vrrp/NAME                                GET   one VRRP instance
 * /api/packet                                   GET   dr/tunnel packet plane counters, drops by reason (404 without one)
 * </pre>
 * Authorisation is checked by the caller ({@link io.l4lb.admin.AdminRoutes}); this class maps
 * requests to view calls and errors to 404/405/400 with a JSON {@code error}.
 */
public final class ApiRoutes {
    /** HAProxy's weight range. */
    public static final int MAX_WEIGHT = 256;
    private static final Set<String> READ = Set.of("GET", "HEAD");

    private final RuntimeView view;
    private final ObjectMapper mapper;
    private final ApiJson json;

    public ApiRoutes(RuntimeView view, ObjectMapper mapper) {
        this.view = view;
        this.mapper = mapper;
        this.json = new ApiJson(mapper);
    }

    /** Methods a path accepts, or null when the path is not an API path (404). */
    public static Set<String> allowed(String path) {
        String[] p = segments(path);
        if (p.length < 2 || !p[0].equals("api")) {
            return null;
        }
        return switch (p.length) {
            case 2 -> switch (p[1]) {
                case "config", "frontends", "backends", "servers", "vrrp", "packet" -> READ;
                case "reload" -> Set.of("POST");
                default -> null;
            };
            case 3 -> p[1].equals("backends") || p[1].equals("vrrp") ? READ : null;
            case 4 -> p[1].equals("backends") && p[3].equals("servers") ? Set.of("GET", "HEAD", "POST") : null;
            case 5 -> p[1].equals("backends") && p[3].equals("servers") ? Set.of("GET", "HEAD", "DELETE") : null;
            case 6 -> !p[1].equals("backends") || !p[3].equals("servers") ? null : switch (p[5]) {
                case "weight", "state" -> Set.of("PUT", "POST");
                case "ready", "drain", "maint" -> Set.of("POST");
                default -> null;
            };
            default -> null;
        };
    }

    static String[] segments(String path) {
        String t = path.startsWith("/") ? path.substring(1) : path;
        if (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.isEmpty() ? new String[0] : t.split("/");
    }

    /** Handles a request whose path and method were accepted by {@link #allowed}. */
    public AdminResponse handle(AdminRequest r) {
        String[] p = segments(r.path());
        return switch (p.length) {
            case 2 -> top(p[1], r);
            case 3 -> p[1].equals("vrrp") ? ok(json.vrrp(vrrp(p[2]))) : ok(json.backend(backend(p[2])));
            case 4 -> r.method().equals("POST") ? addServer(backend(p[2]), r) : servers(List.of(backend(p[2])));
            case 5 -> serverOp(backend(p[2]), p[4], r);
            default -> mutate(backend(p[2]), p[4], p[5], r);
        };
    }

    private AdminResponse top(String what, AdminRequest r) {
        switch (what) {
            case "config": {
                RuntimeView.ConfigInfo c = view.config();
                ObjectNode n = mapper.createObjectNode();
                n.put("source", c.source());
                n.put("version", c.version());
                n.put("loaded_at", c.loadedAt().toString());
                return ok(n);
            }
            case "frontends": {
                ArrayNode a = mapper.createArrayNode();
                view.frontends().forEach(fe -> a.add(json.frontend(fe)));
                return ok(a);
            }
            case "backends": {
                ArrayNode a = mapper.createArrayNode();
                view.backends().forEach(be -> a.add(json.backend(be)));
                return ok(a);
            }
            case "servers":
                return servers(view.backends());
            case "vrrp": {
                ArrayNode a = mapper.createArrayNode();
                view.vrrp().forEach(v -> a.add(json.vrrp(v)));
                return ok(a);
            }
            case "packet": {
                io.l4lb.core.stats.PacketPlaneStats p = view.packetPlane();
                if (p == null) {
                    throw new AdminException(404, "no dr/tunnel packet plane in this process");
                }
                return ok(json.packet(p));
            }
            default:
                return reload();
        }
    }

    private AdminResponse reload() {
        RuntimeView.ReloadResult res = view.reload();
        ObjectNode n = mapper.createObjectNode();
        n.put("ok", res.ok());
        n.put("version", res.version());
        res.errors().forEach(n.withArray("errors")::add);
        res.changes().forEach(n.withArray("changes")::add);
        ArrayNode restart = n.putArray("restart_needed");
        res.restartNeeded().forEach(restart::add);
        if (!res.ok()) {
            n.put("error", "config rejected, the running config is kept: "
                    + (res.errors().isEmpty() ? "unknown error" : res.errors().get(0)));
        }
        return json(res.ok() ? 200 : 400, n);
    }

    private AdminResponse servers(List<BackendRuntime> backends) {
        ArrayNode a = mapper.createArrayNode();
        for (BackendRuntime be : backends) {
            be.servers().forEach(s -> a.add(json.server(be, s)));
        }
        return ok(a);
    }

    private AdminResponse serverOp(BackendRuntime be, String name, AdminRequest r) {
        if (r.method().equals("DELETE")) {
            server(be, name);
            ServerRuntime removed = view.removeServer(be, name);
            if (removed == null) {
                throw new AdminException(404, "no server '" + name + "' in backend '" + be.name() + "'");
            }
            return ok(json.server(be, removed));
        }
        return ok(json.server(be, server(be, name)));
    }

    private AdminResponse mutate(BackendRuntime be, String name, String op, AdminRequest r) {
        ServerRuntime s = server(be, name);
        switch (op) {
            case "weight" -> {
                JsonNode w = body(r).get("weight");
                if (w == null || !w.canConvertToInt() || !w.isIntegralNumber()
                        || w.asInt() < 0 || w.asInt() > MAX_WEIGHT) {
                    throw new AdminException(400, "'weight' must be an integer 0.." + MAX_WEIGHT);
                }
                be.setWeight(s, w.asInt());
            }
            case "state" -> {
                JsonNode st = body(r).get("state");
                be.setAdminState(s, adminState(st == null ? null : st.asText()));
            }
            default -> be.setAdminState(s, adminState(op));
        }
        return ok(json.server(be, s));
    }

    private static AdminState adminState(String v) {
        if (v != null) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "ready": return AdminState.READY;
                case "drain": return AdminState.DRAIN;
                case "maint": return AdminState.MAINT;
                default: break;
            }
        }
        throw new AdminException(400, "'state' must be one of ready, drain, maint (got " + v + ")");
    }

    private AdminResponse addServer(BackendRuntime be, AdminRequest r) {
        JsonNode b = body(r);
        String name = text(b, "name");
        String address = text(b, "address");
        JsonNode port = b.get("port");
        if (!name.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw new AdminException(400, "'name' must be 1-64 of [A-Za-z0-9_.:-]");
        }
        if (port == null || !port.isIntegralNumber() || port.asInt() < 1 || port.asInt() > 65535) {
            throw new AdminException(400, "'port' must be an integer 1..65535");
        }
        int weight = b.has("weight") ? b.get("weight").asInt(-1) : 1;
        if (weight < 0 || weight > MAX_WEIGHT || (b.has("weight") && !b.get("weight").isIntegralNumber())) {
            throw new AdminException(400, "'weight' must be an integer 0.." + MAX_WEIGHT);
        }
        ServerConfig.ServerOptions o = serverOptions(b);
        o = o.withWeight(b.has("weight") ? weight : o.weight())
                .withBackup(b.has("backup") ? b.path("backup").asBoolean(false) : o.backup());
        ServerConfig cfg = new ServerConfig(name, address, port.asInt(), o, io.l4lb.core.config.SourcePos.NONE);
        ServerRuntime s = view.addServer(be, cfg);
        return json(201, json.server(be, s));
    }

    /**
     * Optional {@code "options"}: the keywords of a config {@code server} line (e.g.
     * {@code "check inter 1s fall 2 on-marked-down shutdown-sessions"}), as HAProxy's runtime
     * {@code add server} takes them, read by the config parser itself; {@code weight}/{@code backup}
     * fields of the body win over the same keywords. Without it the server has the defaults (no check).
     */
    private static ServerConfig.ServerOptions serverOptions(JsonNode b) {
        JsonNode v = b.get("options");
        if (v == null || v.isNull()) {
            return ServerConfig.ServerOptions.DEFAULTS;
        }
        if (!v.isTextual() || v.asText().contains("\n") || v.asText().contains("\r")) {
            throw new AdminException(400, "'options' must be one line of server keywords (a string)");
        }
        try {
            L4Config c = ConfigParser.parse("options", "backend api\n    server s 127.0.0.1:1 " + v.asText() + "\n");
            return c.backends().get("api").servers().getFirst().options();
        } catch (ConfigException e) {
            throw new AdminException(400, "'options': " + e.errors().stream()
                    .map(d -> "'" + d.keyword() + "': " + d.message()).collect(Collectors.joining("; ")));
        }
    }

    private static String text(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new AdminException(400, "'" + field + "' is required (a string)");
        }
        return v.asText();
    }

    private JsonNode body(AdminRequest r) {
        try {
            JsonNode n = mapper.readTree(r.body());
            if (n == null || !n.isObject()) {
                throw new AdminException(400, "the body must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AdminException(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private BackendRuntime backend(String name) {
        BackendRuntime be = view.backend(name);
        if (be == null) {
            throw new AdminException(404, "no backend '" + name + "'");
        }
        return be;
    }

    private io.l4lb.core.stats.VrrpStats vrrp(String name) {
        for (io.l4lb.core.stats.VrrpStats v : view.vrrp()) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        throw new AdminException(404, "no vrrp instance '" + name + "'");
    }

    private static ServerRuntime server(BackendRuntime be, String name) {
        ServerRuntime s = be.server(name);
        if (s == null) {
            throw new AdminException(404, "no server '" + name + "' in backend '" + be.name() + "'");
        }
        return s;
    }

    private AdminResponse ok(JsonNode n) {
        return json(200, n);
    }

    private AdminResponse json(int status, JsonNode n) {
        try {
            return new AdminResponse(status, "application/json", mapper.writeValueAsBytes(n), java.util.Map.of());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
