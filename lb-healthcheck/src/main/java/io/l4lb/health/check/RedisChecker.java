package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;

/**
 * {@code option redis-check}: sends {@code PING} and expects {@code +PONG} (HAProxy's rule set);
 * an error reply such as {@code -LOADING} or {@code -NOAUTH} is L7STS with the server's text.
 * Ends with {@code QUIT}.
 */
public final class RedisChecker implements Checker {
    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUIT = "*1\r\n$4\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public Future<CheckResult> check(CheckTarget target) {
        return DialogueRunner.run(target, new Dialogue() {
            @Override
            public Verdict start() {
                return Verdict.send(PING);
            }

            @Override
            public Verdict onData(ByteBuf in, boolean bufferFull) {
                String s = in.toString(in.readerIndex(), in.readableBytes(), StandardCharsets.ISO_8859_1);
                int eol = s.indexOf("\r\n");
                if (eol < 0) {
                    return bufferFull ? Verdict.fail(CheckStatus.L7RSP, "no Redis reply line") : Verdict.NEED_MORE;
                }
                String line = s.substring(0, eol);
                if (line.equals("+PONG")) {
                    return Verdict.pass(CheckStatus.L7OK, -1, "+PONG", QUIT);
                }
                if (line.startsWith("-")) {
                    return Verdict.fail(CheckStatus.L7STS, line.substring(1));
                }
                return Verdict.fail(CheckStatus.L7RSP, "unexpected Redis reply: " + abbreviate(line));
            }
        });
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
