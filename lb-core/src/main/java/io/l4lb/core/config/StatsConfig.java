package io.l4lb.core.config;

import java.time.Duration;
import java.util.List;

/** The {@code stats} block of a {@code mode http} listen section (rendered by the admin plane). */
public record StatsConfig(boolean enabled, String uri, List<String> auth, String realm, Duration refresh,
                          boolean admin, boolean hideVersion, SourcePos pos) {
    public StatsConfig {
        auth = List.copyOf(auth);
    }
}
