package io.l4lb.core.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code resolvers NAME} section: the DNS servers a server line names with {@code resolvers
 * NAME}. {@code holdValid} null = HAProxy's default (10 s); {@code parseResolvConf} adds the
 * system's nameservers.
 */
public record ResolversConfig(String name, List<Nameserver> nameservers, boolean parseResolvConf,
                              int resolveRetries, Duration timeoutRetry, Duration holdValid, SourcePos pos) {
    public ResolversConfig {
        nameservers = List.copyOf(nameservers);
    }

    /** {@code nameserver NAME IP:PORT}. */
    public record Nameserver(String name, String host, int port, SourcePos pos) {}
}
