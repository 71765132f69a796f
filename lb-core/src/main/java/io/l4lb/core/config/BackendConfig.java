package io.l4lb.core.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code backend}, or the backend half of a {@code listen}, with its defaults applied.
 * {@code persist} is null when off (l4lb extension, like {@code ipvsadm -p}). {@code usesrcClientIp}
 * is {@code source 0.0.0.0 usesrc clientip} (transparent source).
 */
public record BackendConfig(String name, ProxyMode mode, ForwardStyle forward, BalanceConfig balance,
                            Duration persist, List<ServerConfig> servers, Timeouts timeouts, int retries,
                            boolean redispatch, boolean allBackups, boolean srvTcpKa, boolean usesrcClientIp,
                            HealthCheckConfig check, int fullconn, SourcePos pos) {
    public BackendConfig {
        servers = List.copyOf(servers);
    }

    /** A tcp proxy-mode backend with HAProxy's defaults (retries 3). Handy for tests. */
    public static BackendConfig of(String name, String balanceScheduler, List<ServerConfig> servers) {
        return new BackendConfig(name, ProxyMode.TCP, ForwardStyle.PROXY,
                new BalanceConfig(balanceScheduler, balanceScheduler, List.of(), SourcePos.NONE),
                null, servers, Timeouts.NONE, 3, false, false, false, false,
                HealthCheckConfig.TCP_CONNECT, 0, SourcePos.NONE);
    }

    public BackendConfig withTimeouts(Timeouts t) {
        return new BackendConfig(name, mode, forward, balance, persist, servers, t, retries, redispatch,
                allBackups, srvTcpKa, usesrcClientIp, check, fullconn, pos);
    }

    public BackendConfig withRetries(int n, boolean redispatchOn) {
        return new BackendConfig(name, mode, forward, balance, persist, servers, timeouts, n, redispatchOn,
                allBackups, srvTcpKa, usesrcClientIp, check, fullconn, pos);
    }

    public BackendConfig withPersist(Duration p) {
        return new BackendConfig(name, mode, forward, balance, p, servers, timeouts, retries, redispatch,
                allBackups, srvTcpKa, usesrcClientIp, check, fullconn, pos);
    }

    public BackendConfig withCheck(HealthCheckConfig c) {
        return new BackendConfig(name, mode, forward, balance, persist, servers, timeouts, retries, redispatch,
                allBackups, srvTcpKa, usesrcClientIp, c, fullconn, pos);
    }
}
