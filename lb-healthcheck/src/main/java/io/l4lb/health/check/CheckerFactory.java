package io.l4lb.health.check;

import io.l4lb.core.config.HealthCheckConfig;

/** Maps a backend's check method ({@code option ...}) to its checker; one checker class per protocol. */
public final class CheckerFactory {
    private CheckerFactory() {
    }

    public static Checker forConfig(HealthCheckConfig c) {
        if (c == null) {
            return new TcpConnectChecker();
        }
        return switch (c.type()) {
            case TCP -> new TcpConnectChecker();
            case TCP_CHECK -> new TcpCheckSequenceChecker(c.tcpSteps());
            case HTTP -> new HttpChecker(c.http());
            case MYSQL -> new MysqlChecker(c.user());
            case PGSQL -> new PgsqlChecker(c.user());
            case REDIS -> new RedisChecker();
            case SMTP -> new SmtpChecker(c.smtpDomain());
            case LDAP -> new LdapChecker();
            case SSL_HELLO -> new SslHelloChecker();
            case EXTERNAL -> throw new IllegalArgumentException(
                    "external-check is not supported by l4lb (at " + c.pos() + "): use option tcp-check or httpchk");
        };
    }
}
