package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;

/**
 * {@code agent-check}: connects to {@code agent-addr:agent-port} and reads one ASCII line (up to
 * a newline or the close), which the caller parses with {@link io.l4lb.health.AgentReply}. The
 * result's info is the line; a connection problem is a failed result (which, as in HAProxy, the
 * caller does not turn into a state change: the regular check owns reachability).
 */
public final class AgentChecker implements Checker {
    @Override
    public Future<CheckResult> check(CheckTarget target) {
        return DialogueRunner.run(target, new Dialogue() {
            @Override
            public Verdict start() {
                return Verdict.NEED_MORE;
            }

            @Override
            public Verdict onData(ByteBuf in, boolean bufferFull) {
                String s = in.toString(in.readerIndex(), in.readableBytes(), StandardCharsets.ISO_8859_1);
                int eol = s.indexOf('\n');
                if (eol >= 0) {
                    return Verdict.pass(CheckStatus.L7OK, s.substring(0, eol).strip());
                }
                return bufferFull ? Verdict.fail(CheckStatus.L7RSP, "agent line exceeds the check buffer")
                        : Verdict.NEED_MORE;
            }

            @Override
            public Verdict onClose(ByteBuf in) {
                String s = in.toString(in.readerIndex(), in.readableBytes(), StandardCharsets.ISO_8859_1).strip();
                return s.isEmpty() ? Verdict.fail(CheckStatus.L7RSP, "agent closed without a reply")
                        : Verdict.pass(CheckStatus.L7OK, s);
            }
        });
    }
}
