package io.l4lb.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.l4lb.admin.api.ApiRoutes;
import io.l4lb.admin.http.AdminRequest;
import io.l4lb.admin.http.AdminResponse;
import io.l4lb.admin.metrics.PrometheusMetrics;
import io.l4lb.admin.stats.StatsPage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The admin listener's routes: {@code /metrics} (Prometheus), {@code /api/...} (JSON API) and
 * {@code /} (HTML stats page). Access rule: reads are open to loopback peers; every mutating
 * request, and any request from a non-loopback peer, needs {@code Authorization: Bearer TOKEN}
 * (the {@code token-file} contents). Without a token file mutations are always refused.
 * Order of checks: unknown path 404, wrong method 405, then 401, then the route's own 404/400.
 */
public final class AdminRoutes implements Function<AdminRequest, AdminResponse> {
    private static final Set<String> READ = Set.of("GET", "HEAD");
    private final RuntimeView view;
    private final PrometheusMetrics metrics;
    private final byte[] token;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ApiRoutes api;
    private final Duration refresh;

    /** {@code token} null = no token file: mutating requests are refused with 401. */
    public AdminRoutes(RuntimeView view, PrometheusMetrics metrics, String token, Duration refresh) {
        this.view = view;
        this.metrics = metrics;
        this.token = token == null || token.isBlank() ? null : token.strip().getBytes(StandardCharsets.UTF_8);
        this.api = new ApiRoutes(view, mapper);
        this.refresh = refresh;
    }

    @Override
    public AdminResponse apply(AdminRequest r) {
        try {
            return route(r);
        } catch (AdminException e) {
            return error(e.status(), e.getMessage());
        }
    }

    private AdminResponse route(AdminRequest r) {
        String path = r.path();
        Set<String> allowed;
        if (path.equals("/metrics") || path.equals("/") || path.equals("/stats")) {
            allowed = READ;
        } else {
            allowed = ApiRoutes.allowed(path);
        }
        if (allowed == null) {
            return error(404, "no such endpoint: " + path);
        }
        if (!allowed.contains(r.method())) {
            return error(405, "method " + r.method() + " not allowed on " + path)
                    .withHeader("Allow", String.join(", ", new TreeSet<>(allowed)));
        }
        boolean mutating = !READ.contains(r.method());
        if (mutating || !r.loopback()) {
            checkToken(r.authorization());
        }
        if (path.equals("/metrics")) {
            PrometheusMetrics.Exposition e = metrics.scrape(view, r.accept());
            return AdminResponse.of(200, e.contentType(), e.body());
        }
        if (path.equals("/") || path.equals("/stats")) {
            return AdminResponse.of(200, "text/html; charset=utf-8", StatsPage.render(view, refresh));
        }
        return api.handle(r);
    }

    private void checkToken(String authorization) {
        if (token == null) {
            throw new AdminException(401, "no token-file is configured: this request is refused");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new AdminException(401, "missing 'Authorization: Bearer TOKEN' header");
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) {
            throw new AdminException(401, "wrong bearer token");
        }
    }

    private AdminResponse error(int status, String reason) {
        ObjectNode n = mapper.createObjectNode();
        n.put("status", status);
        n.put("error", reason);
        AdminResponse resp = AdminResponse.of(status, "application/json", n.toString());
        return status == 401 ? resp.withHeader("WWW-Authenticate", "Bearer realm=\"l4lb\"") : resp;
    }
}
