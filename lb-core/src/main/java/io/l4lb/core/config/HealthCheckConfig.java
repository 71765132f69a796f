package io.l4lb.core.config;

import java.util.List;

/**
 * The backend's check method ({@code option tcp-check}, {@code option httpchk}, {@code option
 * mysql-check user X}, ...). Servers with {@code check} run it; without an option the check is a
 * plain TCP connect. Only the fields of the chosen {@link Type} are meaningful. For HTTP checks,
 * {@code tcpSteps} holds the {@code http-check connect} steps (port, ssl, send-proxy), if any.
 * {@code option external-check} is read as a plain TCP connect check (scripts are not run).
 */
public record HealthCheckConfig(Type type, List<TcpCheckStep> tcpSteps, HttpCheck http, String user,
                                String smtpDomain, boolean logHealthChecks, SourcePos pos) {
    public static final HealthCheckConfig TCP_CONNECT =
            new HealthCheckConfig(Type.TCP, List.of(), null, null, null, false, SourcePos.NONE);

    public HealthCheckConfig {
        tcpSteps = List.copyOf(tcpSteps);
    }

    public enum Type { TCP, TCP_CHECK, HTTP, MYSQL, PGSQL, REDIS, SMTP, LDAP, SSL_HELLO, EXTERNAL }

    /**
     * {@code option httpchk [METHOD] [URI] [VERSION]} plus {@code http-check send} headers and the
     * {@code http-check expect} rule; a null expect means "any 2xx or 3xx" as in HAProxy.
     */
    public record HttpCheck(String method, String uri, String version, List<String> headers, Expect expect) {
        public HttpCheck {
            headers = List.copyOf(headers);
        }
    }

    /** An expect rule: {@code status|rstatus|string|rstring|binary|rbinary} with optional {@code !}. */
    public record Expect(ExpectKind kind, boolean negated, String pattern) {}

    public enum ExpectKind { STATUS, RSTATUS, STRING, RSTRING, BINARY, RBINARY }

    /**
     * One {@code tcp-check} rule. CONNECT uses port/sendProxy/ssl; SEND and SEND_BINARY carry the
     * bytes to write (already unescaped / hex-decoded); EXPECT carries the rule.
     */
    public record TcpCheckStep(StepKind kind, int port, boolean sendProxy, boolean ssl, byte[] data,
                               Expect expect, SourcePos pos) {}

    public enum StepKind { CONNECT, SEND, SEND_BINARY, EXPECT, COMMENT }
}
