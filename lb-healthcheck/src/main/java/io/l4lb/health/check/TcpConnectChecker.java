package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;

/**
 * Plain {@code check}: a TCP connect (and a TLS handshake with {@code check-ssl}) that succeeds is
 * a pass (L4OK, or L6OK over TLS); refused or unreachable is L4CON, no answer in time L4TOUT.
 */
public final class TcpConnectChecker implements Checker {
    @Override
    public Future<CheckResult> check(CheckTarget target) {
        CheckStatus ok = target.ssl() ? CheckStatus.L6OK : CheckStatus.L4OK;
        return DialogueRunner.run(target, new Dialogue() {
            @Override
            public Verdict start() {
                return Verdict.pass(ok, "");
            }

            @Override
            public Verdict onData(ByteBuf received, boolean bufferFull) {
                return Verdict.pass(ok, "");
            }
        });
    }
}
