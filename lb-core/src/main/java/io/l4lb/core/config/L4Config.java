package io.l4lb.core.config;

import java.util.List;
import java.util.Map;

/**
 * A whole parsed and validated configuration: immutable, so a reload builds a new one and diffs.
 * Maps keep declaration order. {@code admin} is null when the file has no {@code admin} section.
 * {@code warnings} are what {@code l4lb check} prints on stderr.
 */
public record L4Config(String source, GlobalConfig global, Map<String, FrontendConfig> frontends,
                       Map<String, BackendConfig> backends, List<VrrpConfig> vrrp, AdminConfig admin,
                       List<Diagnostic> warnings) {
    public L4Config {
        frontends = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(frontends));
        backends = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(backends));
        vrrp = List.copyOf(vrrp);
        warnings = List.copyOf(warnings);
    }
}
