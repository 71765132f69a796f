package io.l4lb.health.check;

import io.l4lb.core.config.HealthCheckConfig.Expect;
import io.l4lb.core.config.HealthCheckConfig.ExpectKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * An {@code expect} rule over received bytes, as HAProxy's tcpcheck_eval_expect: {@code string}
 * looks for the bytes anywhere, {@code rstring} runs a regex over the bytes read as ISO-8859-1,
 * {@code binary} looks for hex-given bytes, {@code rbinary} runs a regex over the hex dump
 * (upper case), {@code status}/{@code rstatus} match an HTTP status code ("200", "200,204",
 * "200-299"). {@code !} inverts the rule.
 */
public final class ExpectMatcher {
    private final Expect expect;
    private final byte[] needle;
    private final Pattern regex;

    public ExpectMatcher(Expect expect) {
        this.expect = expect;
        this.needle = switch (expect.kind()) {
            case STRING -> expect.pattern().getBytes(StandardCharsets.ISO_8859_1);
            case BINARY -> HexFormat.of().parseHex(expect.pattern().replace(" ", ""));
            default -> null;
        };
        this.regex = switch (expect.kind()) {
            case RSTRING, RSTATUS -> Pattern.compile(expect.pattern());
            case RBINARY -> Pattern.compile(expect.pattern(), Pattern.CASE_INSENSITIVE);
            default -> null;
        };
    }

    public Expect expect() {
        return expect;
    }

    /** True when the raw pattern (before {@code !}) is found in the readable bytes of {@code in}. */
    public boolean found(ByteBuf in) {
        return switch (expect.kind()) {
            case STRING, BINARY -> needle.length == 0
                    || ByteBufUtil.indexOf(io.netty.buffer.Unpooled.wrappedBuffer(needle), in) >= 0;
            case RSTRING -> regex.matcher(in.toString(in.readerIndex(), in.readableBytes(),
                    StandardCharsets.ISO_8859_1)).find();
            case RBINARY -> regex.matcher(ByteBufUtil.hexDump(in).toUpperCase(java.util.Locale.ROOT)).find();
            case STATUS, RSTATUS -> throw new IllegalStateException("status rules apply to HTTP codes");
        };
    }

    /** Matches an HTTP status code ({@code status} list/ranges or {@code rstatus} regex), before negation. */
    public boolean statusFound(int code) {
        if (expect.kind() == ExpectKind.RSTATUS) {
            return regex.matcher(Integer.toString(code)).find();
        }
        if (expect.kind() != ExpectKind.STATUS) {
            throw new IllegalStateException("not a status rule: " + expect.kind());
        }
        for (String part : expect.pattern().split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            if (dash > 0) {
                int lo = Integer.parseInt(p.substring(0, dash).trim());
                int hi = Integer.parseInt(p.substring(dash + 1).trim());
                if (code >= lo && code <= hi) {
                    return true;
                }
            } else if (!p.isEmpty() && Integer.parseInt(p) == code) {
                return true;
            }
        }
        return false;
    }

    /** Human text for failure info: {@code expect string 'PONG'} etc. */
    public String describe() {
        return "expect " + (expect.negated() ? "!" : "") + expect.kind().name().toLowerCase(java.util.Locale.ROOT)
                + " '" + expect.pattern() + "'";
    }
}
