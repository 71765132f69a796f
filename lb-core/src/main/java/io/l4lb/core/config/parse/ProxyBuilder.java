package io.l4lb.core.config.parse;

import io.l4lb.core.config.AclConfig;
import io.l4lb.core.config.BackendRule;
import io.l4lb.core.config.BalanceConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.Condition;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.HealthCheckConfig;
import io.l4lb.core.config.HealthCheckConfig.TcpCheckStep;
import io.l4lb.core.config.ProxyMode;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.SourcePos;
import io.l4lb.core.config.TcpRequestRule;
import io.l4lb.core.config.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutable state of one defaults/frontend/backend/listen section while it is read. A proxy starts
 * as a copy of its defaults section (HAProxy copies the defaults at the proxy's header line);
 * binds, servers, ACLs and rules are never inherited.
 */
final class ProxyBuilder {
    enum Kind {
        DEFAULTS(KeywordTable.DEF), FRONTEND(KeywordTable.FE), BACKEND(KeywordTable.BE), LISTEN(KeywordTable.FE_BE);

        final int caps;

        Kind(int caps) {
            this.caps = caps;
        }

        String word() {
            return name().toLowerCase();
        }
    }

    final Kind kind;
    final String name;
    final SourcePos pos;

    ProxyMode mode = ProxyMode.TCP;
    int maxconn;
    int backlog;
    Timeouts timeouts = Timeouts.NONE;
    int retries = 3;
    boolean redispatch;
    boolean allBackups;
    boolean cliTcpKa;
    boolean srvTcpKa;
    boolean usesrcClientIp;
    ForwardStyle forward = ForwardStyle.PROXY;
    BalanceConfig balance = BalanceConfig.ROUNDROBIN;
    Duration persist;
    int fullconn;
    String defaultBackend;
    SourcePos defaultBackendPos;
    ServerOptionsBuilder defaultServer = new ServerOptionsBuilder();
    StatsBuilder stats = new StatsBuilder();
    Duration inspectDelay = Duration.ZERO;

    // health check method
    HealthCheckConfig.Type checkType = HealthCheckConfig.Type.TCP;
    SourcePos checkPos = SourcePos.NONE;
    String checkUser;
    String smtpDomain;
    String httpMethod;
    String httpUri;
    String httpVersion;
    List<String> httpHeaders = new ArrayList<>();
    HealthCheckConfig.Expect httpExpect;
    boolean logHealthChecks;
    List<TcpCheckStep> tcpSteps = new ArrayList<>();
    List<TcpCheckStep> httpConnect = new ArrayList<>();
    /** False while tcpSteps/httpConnect are the ones inherited from defaults (own rules replace them). */
    boolean ownTcpSteps;
    boolean ownHttpSteps;

    // never inherited
    final List<BindConfig> binds = new ArrayList<>();
    final List<ServerConfig> servers = new ArrayList<>();
    final List<AclConfig> acls = new ArrayList<>();
    final List<TcpRequestRule> tcpRules = new ArrayList<>();
    final List<BackendRule> useBackend = new ArrayList<>();
    /** Every condition of this section, to check the ACL names it uses once the section is read. */
    final List<Condition> conditions = new ArrayList<>();
    /** Named ACL references in conditions, checked against the section's ACLs when it ends. */
    final List<AclRef> aclRefs = new ArrayList<>();
    /** ACLs of an http proxy skipped because they use layer-7 fetches. */
    final List<String> layer7Acls = new ArrayList<>();

    record AclRef(String name, String keyword, SourcePos pos) {}

    ProxyBuilder(Kind kind, String name, SourcePos pos, ProxyBuilder defaults) {
        this.kind = kind;
        this.name = name;
        this.pos = pos;
        if (defaults != null) {
            mode = defaults.mode;
            maxconn = defaults.maxconn;
            backlog = defaults.backlog;
            timeouts = defaults.timeouts;
            retries = defaults.retries;
            redispatch = defaults.redispatch;
            allBackups = defaults.allBackups;
            cliTcpKa = defaults.cliTcpKa;
            srvTcpKa = defaults.srvTcpKa;
            usesrcClientIp = defaults.usesrcClientIp;
            forward = defaults.forward;
            balance = defaults.balance;
            persist = defaults.persist;
            fullconn = defaults.fullconn;
            defaultServer = defaults.defaultServer.copy();
            stats = defaults.stats.copy();
            inspectDelay = defaults.inspectDelay;
            checkType = defaults.checkType;
            checkPos = defaults.checkPos;
            checkUser = defaults.checkUser;
            smtpDomain = defaults.smtpDomain;
            httpMethod = defaults.httpMethod;
            httpUri = defaults.httpUri;
            httpVersion = defaults.httpVersion;
            httpHeaders = new ArrayList<>(defaults.httpHeaders);
            httpExpect = defaults.httpExpect;
            logHealthChecks = defaults.logHealthChecks;
            tcpSteps = new ArrayList<>(defaults.tcpSteps);
            httpConnect = new ArrayList<>(defaults.httpConnect);
            if (kind != Kind.BACKEND) {
                defaultBackend = defaults.defaultBackend;
                defaultBackendPos = defaults.defaultBackendPos;
            }
        }
    }

    boolean isFrontend() {
        return (kind.caps & KeywordTable.FE) != 0;
    }

    boolean isBackend() {
        return (kind.caps & KeywordTable.BE) != 0;
    }

    /** A listen/frontend that only serves the stats page: no servers and no backend to route to. */
    boolean statsOnly() {
        return stats.enabled && servers.isEmpty() && (kind == Kind.LISTEN || defaultBackend == null && useBackend.isEmpty());
    }

    HealthCheckConfig buildCheck() {
        List<TcpCheckStep> steps = switch (checkType) {
            case TCP_CHECK -> tcpSteps;
            case HTTP -> httpConnect;
            default -> List.of();
        };
        HealthCheckConfig.HttpCheck http = checkType == HealthCheckConfig.Type.HTTP
                ? new HealthCheckConfig.HttpCheck(httpMethod == null ? "OPTIONS" : httpMethod,
                        httpUri == null ? "/" : httpUri, httpVersion == null ? "HTTP/1.0" : httpVersion,
                        httpHeaders, httpExpect)
                : null;
        return new HealthCheckConfig(checkType, steps, http, checkUser, smtpDomain, logHealthChecks, checkPos);
    }
}
