package io.l4lb.health.check;

import io.l4lb.core.config.ServerConfig.ServerOptions;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import javax.net.ssl.SSLException;

/**
 * The TLS client context of {@code check-ssl}: {@code verify none} trusts any certificate
 * (HAProxy's default for checks unless {@code ssl-server-verify required}); {@code verify required}
 * validates the chain against {@code ca-file}, or the JDK trust store without one. JDK SSLEngine.
 */
public final class CheckSsl {
    private CheckSsl() {
    }

    public static SslContext clientContext(ServerOptions o) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
            if (!o.verifyRequired()) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (o.caFile() != null) {
                File ca = new File(o.caFile());
                if (!ca.canRead()) {
                    throw new IllegalArgumentException("ca-file " + o.caFile() + " is not readable");
                }
                b.trustManager(ca);
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build the check TLS context: " + e.getMessage(), e);
        }
    }
}
