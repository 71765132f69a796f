package io.l4lb.admin.stats;

import io.l4lb.admin.RuntimeView;
import io.l4lb.admin.http.AdminRequest;
import io.l4lb.admin.http.AdminResponse;
import io.l4lb.core.config.StatsConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code stats uri} of a {@code mode http} listen section with {@code stats enable}: the HTML
 * stats page at the uri (default {@code /haproxy?stats} like HAProxy, any query string accepted),
 * behind HTTP basic auth when {@code stats auth USER:PASS} lines exist (RFC 7617), refreshed every
 * {@code stats refresh}. Everything else is 404.
 */
public final class StatsRoutes implements Function<AdminRequest, AdminResponse> {
    private final RuntimeView view;
    private final StatsConfig stats;
    private final String path;

    public StatsRoutes(RuntimeView view, StatsConfig stats) {
        this.view = view;
        this.stats = stats;
        String uri = stats.uri() == null || stats.uri().isBlank() ? "/haproxy?stats" : stats.uri();
        int q = uri.indexOf('?');
        this.path = q >= 0 ? uri.substring(0, q) : uri;
    }

    @Override
    public AdminResponse apply(AdminRequest r) {
        if (!r.path().equals(path) && !r.path().equals(path + "/")) {
            return AdminResponse.of(404, "text/plain; charset=utf-8", "not found\n");
        }
        if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
            return AdminResponse.of(405, "text/plain; charset=utf-8", "method not allowed\n").withHeader("Allow", "GET, HEAD");
        }
        if (!authorised(stats.auth(), r.authorization())) {
            String realm = stats.realm() == null ? "l4lb statistics" : stats.realm();
            return AdminResponse.of(401, "text/plain; charset=utf-8", "authentication required\n")
                    .withHeader("WWW-Authenticate", "Basic realm=\"" + realm.replace("\"", "") + "\"");
        }
        return AdminResponse.of(200, "text/html; charset=utf-8", StatsPage.render(view, stats.refresh()));
    }

    static boolean authorised(List<String> users, String header) {
        if (users.isEmpty()) {
            return true;
        }
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean ok = false;
        for (String u : users) {
            // Constant-time per entry, every entry compared: no early exit that leaks which user matched.
            ok |= MessageDigest.isEqual(given, u.getBytes(StandardCharsets.UTF_8));
        }
        return ok;
    }
}
