package io.l4lb.health.check;

import io.l4lb.core.config.HealthCheckConfig.Expect;
import io.l4lb.core.config.HealthCheckConfig.ExpectKind;
import io.l4lb.core.config.HealthCheckConfig.HttpCheck;
import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code option httpchk [METHOD] [URI] [VERSION]} (defaults {@code OPTIONS / HTTP/1.0}) with
 * {@code http-check expect}. Without an expect rule any 2xx or 3xx passes (HAProxy); other codes
 * are L7STS. {@code status}/{@code rstatus} decide on the status line; {@code string}/{@code
 * rstring} read the body (Content-Length, else until close, at most 64 KiB). The request carries
 * {@code Connection: close} and, for HTTP/1.1, a Host header when none was configured. Over
 * {@code check-ssl} the same bytes travel inside TLS.
 */
public final class HttpChecker implements Checker {
    private final HttpCheck http;

    public HttpChecker(HttpCheck http) {
        this.http = http != null ? http : new HttpCheck("OPTIONS", "/", "HTTP/1.0", java.util.List.of(), null);
    }

    byte[] request(CheckTarget t) {
        String method = http.method() == null ? "OPTIONS" : http.method();
        String uri = http.uri() == null ? "/" : http.uri();
        String version = http.version() == null ? "HTTP/1.0" : http.version();
        StringBuilder sb = new StringBuilder(method).append(' ').append(uri).append(' ').append(version).append("\r\n");
        boolean host = false;
        for (String h : http.headers()) {
            sb.append(h).append("\r\n");
            host |= h.regionMatches(true, 0, "host:", 0, 5);
        }
        if (!host && version.endsWith("1.1")) {
            sb.append("Host: ").append(t.address().getHostString()).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public Future<CheckResult> check(CheckTarget target) {
        return DialogueRunner.run(target, new HttpDialogue(request(target), http.expect()));
    }

    private static final class HttpDialogue implements Dialogue {
        private final byte[] request;
        private final Expect expect;
        private final ExpectMatcher matcher;
        private int status = -1;
        private String reasonPhrase = "";

        HttpDialogue(byte[] request, Expect expect) {
            this.request = request;
            this.expect = expect;
            this.matcher = expect == null ? null : new ExpectMatcher(expect);
        }

        @Override
        public Verdict start() {
            return Verdict.send(request);
        }

        @Override
        public Verdict onData(ByteBuf in, boolean bufferFull) {
            return evaluate(in, bufferFull);
        }

        @Override
        public Verdict onClose(ByteBuf in) {
            Verdict v = evaluate(in, true);
            return v instanceof Verdict.Done ? v : Verdict.fail(CheckStatus.L7RSP, "connection closed before a complete HTTP reply");
        }

        private Verdict evaluate(ByteBuf in, boolean lastRead) {
            String text = in.toString(in.readerIndex(), in.readableBytes(), StandardCharsets.ISO_8859_1);
            if (status < 0) {
                int eol = text.indexOf("\r\n");
                if (eol < 0) {
                    return lastRead ? Verdict.fail(CheckStatus.L7RSP, "no HTTP status line") : Verdict.NEED_MORE;
                }
                String[] parts = text.substring(0, eol).split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
                    return Verdict.fail(CheckStatus.L7RSP, "invalid HTTP status line");
                }
                status = Integer.parseInt(parts[1]);
                reasonPhrase = parts.length > 2 ? parts[2] : "";
            }
            String info = "HTTP status check returned code <" + status + "> \"" + reasonPhrase + "\"";
            if (matcher == null) {
                return status >= 200 && status < 400
                        ? Verdict.pass(CheckStatus.L7OK, status, info, null)
                        : Verdict.fail(CheckStatus.L7STS, status, info);
            }
            if (expect.kind() == ExpectKind.STATUS || expect.kind() == ExpectKind.RSTATUS) {
                return matcher.statusFound(status) != expect.negated()
                        ? Verdict.pass(CheckStatus.L7OK, status, info, null)
                        : Verdict.fail(CheckStatus.L7STS, status, info + " (" + matcher.describe() + ")");
            }
            // Body rules: wait for the whole body (Content-Length or close) unless the cap is reached.
            int headerEnd = text.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                return lastRead ? Verdict.fail(CheckStatus.L7RSP, "incomplete HTTP headers") : Verdict.NEED_MORE;
            }
            int bodyStart = headerEnd + 4;
            long length = contentLength(text.substring(0, headerEnd));
            boolean complete = lastRead || (length >= 0 && text.length() - bodyStart >= length);
            if (!complete) {
                return Verdict.NEED_MORE;
            }
            ByteBuf body = in.slice(in.readerIndex() + bodyStart, in.readableBytes() - bodyStart);
            boolean found = matcher.found(body);
            return found != expect.negated()
                    ? Verdict.pass(CheckStatus.L7OK, status, info, null)
                    : Verdict.fail(CheckStatus.L7RSP, status, "HTTP check body did not satisfy " + matcher.describe());
        }

        private static long contentLength(String headers) {
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    try {
                        return Long.parseLong(line.substring(15).trim());
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
            return -1;
        }
    }
}
