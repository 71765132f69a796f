package io.l4lb.core.config;

import java.util.List;

/**
 * {@code acl NAME CRITERION [flags] VALUE...}: a Layer-4 sample fetch ({@code src}, {@code dst},
 * {@code dst_port}, {@code src_port}, {@code req.ssl_sni}, {@code req.ssl_hello_type},
 * {@code always_true}, ...) matched against values. Flags are kept as written ({@code -i}, {@code -m beg}).
 * An anonymous {@code { ... }} condition term has a null name.
 */
public record AclConfig(String name, String criterion, List<String> flags, List<String> values, SourcePos pos) {
    public AclConfig {
        flags = List.copyOf(flags);
        values = List.copyOf(values);
    }
}
