package io.l4lb.core.config;

import java.util.List;
import java.util.Map;

/**
 * A whole parsed and validated configuration: immutable, so a reload builds a new one and diffs.
 * Maps keep declaration order. {@code admin} is null when the file has no {@code admin} section.
 * {@code warnings} are what {@code l4lb check} prints on stderr. {@code resolvers} holds the
 * {@code resolvers} sections by name.
 */
public record L4Config(String source, GlobalConfig global, Map<String, FrontendConfig> frontends,
                       Map<String, BackendConfig> backends, List<VrrpConfig> vrrp, AdminConfig admin,
                       List<Diagnostic> warnings, Map<String, ResolversConfig> resolvers) {
    public L4Config {
        resolvers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(resolvers));
        frontends = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(frontends));
        backends = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(backends));
        vrrp = List.copyOf(vrrp);
        warnings = List.copyOf(warnings);
    }

    /** The original component list (before {@code resolvers}), kept for source compatibility. */
    public L4Config(String source, GlobalConfig global, Map<String, FrontendConfig> frontends,
                    Map<String, BackendConfig> backends, List<VrrpConfig> vrrp, AdminConfig admin,
                    List<Diagnostic> warnings) {
        this(source, global, frontends, backends, vrrp, admin, warnings, Map.of());
    }
}
