package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;

/**
 * {@code option smtpchk [HELO|EHLO domain]} (default {@code HELO localhost}): the banner must be a
 * 2xx reply, then the HELO/EHLO command must get a 2xx reply (multi-line replies "250-..." are
 * read to their last line "250 ..."); the check then says QUIT. Other codes are L7STS with the
 * server's code and text.
 */
public final class SmtpChecker implements Checker {
    private static final byte[] QUIT = "QUIT\r\n".getBytes(StandardCharsets.US_ASCII);
    private final String hello;

    /** {@code smtpDomain}: "EHLO mx.example", "HELO x", a bare domain (HELO), or null (HELO localhost). */
    public SmtpChecker(String smtpDomain) {
        String d = smtpDomain == null || smtpDomain.isBlank() ? "localhost" : smtpDomain.trim();
        String upper = d.toUpperCase(java.util.Locale.ROOT);
        this.hello = (upper.startsWith("EHLO ") || upper.startsWith("HELO ") ? d : "HELO " + d) + "\r\n";
    }

    @Override
    public Future<CheckResult> check(CheckTarget target) {
        return DialogueRunner.run(target, new Dialogue() {
            private boolean bannerSeen;

            @Override
            public Verdict start() {
                return Verdict.NEED_MORE; // the server greets first
            }

            @Override
            public Verdict onData(ByteBuf in, boolean bufferFull) {
                String s = in.toString(in.readerIndex(), in.readableBytes(), StandardCharsets.ISO_8859_1);
                String last = lastLine(s);
                if (last == null) {
                    return bufferFull ? Verdict.fail(CheckStatus.L7RSP, "SMTP reply without a final line")
                            : Verdict.NEED_MORE;
                }
                if (last.length() < 3 || !last.substring(0, 3).chars().allMatch(Character::isDigit)) {
                    return Verdict.fail(CheckStatus.L7RSP, "not an SMTP reply: " + RedisChecker.abbreviate(last));
                }
                int code = Integer.parseInt(last.substring(0, 3));
                String text = last.length() > 4 ? last.substring(4) : "";
                if (code / 100 != 2) {
                    return Verdict.fail(CheckStatus.L7STS, code, text);
                }
                if (!bannerSeen) {
                    bannerSeen = true;
                    return Verdict.send(hello.getBytes(StandardCharsets.US_ASCII));
                }
                return Verdict.pass(CheckStatus.L7OK, code, text, QUIT);
            }
        });
    }

    /** The final line of a complete reply ("250 ok" after any "250-..." lines), or null if not complete. */
    static String lastLine(String s) {
        int from = 0;
        while (true) {
            int eol = s.indexOf("\r\n", from);
            if (eol < 0) {
                return null;
            }
            String line = s.substring(from, eol);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return line;
            }
            from = eol + 2;
        }
    }
}
