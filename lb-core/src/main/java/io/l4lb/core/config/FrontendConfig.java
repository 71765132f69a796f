package io.l4lb.core.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code frontend}, or the frontend half of a {@code listen} (whose {@code defaultBackend} is
 * the listen's own backend). {@code maxconn} 0 = the global limit only. {@code stats} is null when
 * the section has no {@code stats enable}.
 */
public record FrontendConfig(String name, ProxyMode mode, List<BindConfig> binds, int maxconn, int backlog,
                             Timeouts timeouts, String defaultBackend, List<BackendRule> useBackend,
                             List<AclConfig> acls, List<TcpRequestRule> tcpRequestRules, Duration inspectDelay,
                             boolean cliTcpKa, StatsConfig stats, SourcePos pos) {
    public FrontendConfig {
        binds = List.copyOf(binds);
        useBackend = List.copyOf(useBackend);
        acls = List.copyOf(acls);
        tcpRequestRules = List.copyOf(tcpRequestRules);
    }

    /** A tcp frontend with one bind and a default backend, nothing else. Handy for tests. */
    public static FrontendConfig of(String name, BindConfig bind, String defaultBackend) {
        return new FrontendConfig(name, ProxyMode.TCP, List.of(bind), 0, 0, Timeouts.NONE, defaultBackend,
                List.of(), List.of(), List.of(), Duration.ZERO, false, null, SourcePos.NONE);
    }

    public FrontendConfig withTimeouts(Timeouts t) {
        return new FrontendConfig(name, mode, binds, maxconn, backlog, t, defaultBackend, useBackend, acls,
                tcpRequestRules, inspectDelay, cliTcpKa, stats, pos);
    }

    public FrontendConfig withRules(List<AclConfig> acl, List<TcpRequestRule> tcp, Duration inspect,
                                    List<BackendRule> use) {
        return new FrontendConfig(name, mode, binds, maxconn, backlog, timeouts, defaultBackend, use, acl,
                tcp, inspect, cliTcpKa, stats, pos);
    }

    public FrontendConfig withMaxconn(int n) {
        return new FrontendConfig(name, mode, binds, n, backlog, timeouts, defaultBackend, useBackend, acls,
                tcpRequestRules, inspectDelay, cliTcpKa, stats, pos);
    }
}
