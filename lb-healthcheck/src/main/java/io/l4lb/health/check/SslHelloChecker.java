package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * {@code option ssl-hello-chk}: sends a TLS ClientHello (produced by the JDK's SSLEngine, so it is a
 * genuine one) in clear over TCP and passes when the server answers with a TLS record of type
 * handshake (0x16) or alert (0x15) -- HAProxy's rule {@code rbinary ^1[56]}: any TLS speaker is up.
 * No handshake is completed.
 */
public final class SslHelloChecker implements Checker {
    static byte[] clientHello(String host, int port) {
        try {
            SSLEngine e = SSLContext.getDefault().createSSLEngine(host, port);
            e.setUseClientMode(true);
            ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
            e.wrap(ByteBuffer.allocate(0), out);
            out.flip();
            byte[] b = new byte[out.remaining()];
            out.get(b);
            return b;
        } catch (SSLException | java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException("cannot build a TLS ClientHello", ex);
        }
    }

    @Override
    public Future<CheckResult> check(CheckTarget target) {
        byte[] hello = clientHello(target.address().getHostString(), target.address().getPort());
        return DialogueRunner.run(target, new Dialogue() {
            @Override
            public Verdict start() {
                return Verdict.send(hello);
            }

            @Override
            public Verdict onData(ByteBuf in, boolean bufferFull) {
                int type = in.getUnsignedByte(in.readerIndex());
                return type == 0x15 || type == 0x16
                        ? Verdict.pass(CheckStatus.L6OK, type == 0x16 ? "TLS handshake reply" : "TLS alert reply")
                        : Verdict.fail(CheckStatus.L6RSP, "not a TLS record (0x" + Integer.toHexString(type) + ")");
            }
        });
    }
}
