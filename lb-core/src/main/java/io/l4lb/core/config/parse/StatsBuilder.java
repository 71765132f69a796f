package io.l4lb.core.config.parse;

import io.l4lb.core.config.SourcePos;
import io.l4lb.core.config.StatsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code stats} block while it is read. {@code stats uri/auth/...} imply {@code stats enable}, as in HAProxy. */
final class StatsBuilder {
    boolean enabled;
    String uri = "/haproxy?stats";
    List<String> auth = new ArrayList<>();
    String realm;
    Duration refresh;
    boolean admin;
    boolean hideVersion;
    SourcePos pos = SourcePos.NONE;

    StatsBuilder copy() {
        StatsBuilder b = new StatsBuilder();
        b.enabled = enabled;
        b.uri = uri;
        b.auth = new ArrayList<>(auth);
        b.realm = realm;
        b.refresh = refresh;
        b.admin = admin;
        b.hideVersion = hideVersion;
        b.pos = pos;
        return b;
    }

    StatsConfig build() {
        return enabled ? new StatsConfig(true, uri, auth, realm, refresh, admin, hideVersion, pos) : null;
    }
}
