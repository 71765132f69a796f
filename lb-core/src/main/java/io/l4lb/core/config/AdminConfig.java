package io.l4lb.core.config;

import java.util.List;

/** l4lb's {@code admin} section: where the admin API listens and the bearer-token file. */
public record AdminConfig(List<BindConfig> binds, String tokenFile, SourcePos pos) {
    public AdminConfig {
        binds = List.copyOf(binds);
    }
}
