package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.KeywordTable.DEF_BE;

import io.l4lb.core.config.HealthCheckConfig.Expect;
import io.l4lb.core.config.HealthCheckConfig.ExpectKind;
import io.l4lb.core.config.HealthCheckConfig.StepKind;
import io.l4lb.core.config.HealthCheckConfig.TcpCheckStep;
import io.l4lb.core.config.HealthCheckConfig.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Health-check methods: {@code option tcp-check|httpchk|mysql-check|pgsql-check|redis-check|
 * smtpchk|ldap-check|ssl-hello-chk|external-check}, {@code tcp-check} rules and {@code
 * http-check} rules. The last check option of a section wins, as in HAProxy.
 */
final class CheckKeywords {
    private static final List<String> TCP_EXPECT = List.of("string", "rstring", "binary", "rbinary");
    private static final List<String> HTTP_EXPECT = List.of("status", "rstatus", "string", "rstring");

    private CheckKeywords() {
    }

    static void register(KeywordTable<ProxyBuilder> t) {
        t.addSub("option", "tcp-check", DEF_BE, false, (c, p, l) -> type(p, l, Type.TCP_CHECK, 1));
        t.addSub("option", "redis-check", DEF_BE, false, (c, p, l) -> type(p, l, Type.REDIS, 1));
        t.addSub("option", "ldap-check", DEF_BE, false, (c, p, l) -> type(p, l, Type.LDAP, 1));
        t.addSub("option", "ssl-hello-chk", DEF_BE, false, (c, p, l) -> type(p, l, Type.SSL_HELLO, 1));
        t.addSub("option", "httpchk", DEF_BE, false, CheckKeywords::httpchk);
        t.addSub("option", "mysql-check", DEF_BE, false, CheckKeywords::mysql);
        t.addSub("option", "pgsql-check", DEF_BE, false, (c, p, l) -> {
            if (!l.arg(2).equals("user")) {
                throw new BadValue(2, "missing 'user NAME' (expected: option pgsql-check user NAME)");
            }
            type(p, l, Type.PGSQL, 3);
            p.checkUser = Values.need(l, 3, "user name");
        });
        t.addSub("option", "smtpchk", DEF_BE, false, (c, p, l) -> {
            type(p, l, Type.SMTP, 3);
            if (l.has(2)) {
                Values.oneOf(l, 2, "greeting", List.of("EHLO", "HELO"));
                p.smtpDomain = Values.need(l, 3, "domain");
            }
        });
        t.addSub("option", "external-check", DEF_BE, false, (c, p, l) -> {
            type(p, l, Type.TCP, 1);
            c.warn(l.pos(0), "option external-check", "external check scripts are not run by l4lb: servers with "
                    + "'check' get a plain TCP connect check (use option tcp-check/httpchk/mysql-check instead)");
        });
        t.addSub("option", "log-health-checks", DEF_BE, true, (c, p, l) -> p.logHealthChecks = !c.negated());
        t.addSub("external-check", "command", DEF_BE, false, (c, p, l) ->
                c.ignored(l, "external-check", "ignored: external check scripts are not run by l4lb"));
        t.addSub("external-check", "path", DEF_BE, false, (c, p, l) ->
                c.ignored(l, "external-check", "ignored: external check scripts are not run by l4lb"));
        for (String a : List.of("connect", "send", "send-binary", "expect", "comment", "send-lf", "send-binary-lf",
                "set-var", "unset-var")) {
            t.addSub("tcp-check", a, DEF_BE, false, CheckKeywords::tcpCheck);
        }
        for (String a : List.of("connect", "send", "expect", "comment", "disable-on-404", "send-state",
                "set-var", "unset-var")) {
            t.addSub("http-check", a, DEF_BE, false, CheckKeywords::httpCheck);
        }
    }

    private static void type(ProxyBuilder p, Line l, Type type, int lastWord) {
        Values.noMore(l, lastWord);
        p.checkType = type;
        p.checkPos = l.pos(0);
        p.checkUser = null;
        p.smtpDomain = null;
    }

    private static void mysql(ParseContext c, ProxyBuilder p, Line l) {
        type(p, l, Type.MYSQL, 4);
        if (l.has(2)) {
            if (!l.arg(2).equals("user")) {
                throw new BadValue(2, "unexpected '" + l.arg(2) + "' (expected: option mysql-check [user NAME [post-41|pre-41]])");
            }
            p.checkUser = Values.need(l, 3, "user name");
            if (l.has(4)) {
                Values.oneOf(l, 4, "protocol", List.of("post-41", "pre-41"));
            }
        }
    }

    /** {@code option httpchk [URI] | [METHOD URI [VERSION]]}; a version may carry "\r\nHeader: v" lines (old style). */
    private static void httpchk(ParseContext c, ProxyBuilder p, Line l) {
        type(p, l, Type.HTTP, 4);
        p.httpMethod = null;
        p.httpUri = null;
        p.httpVersion = null;
        p.httpHeaders = new java.util.ArrayList<>();
        if (l.size() == 3) {
            p.httpUri = l.arg(2);
        } else if (l.size() >= 4) {
            p.httpMethod = l.arg(2);
            p.httpUri = l.arg(3);
            if (l.has(4)) {
                String[] parts = l.arg(4).split("\r\n");
                p.httpVersion = parts[0];
                for (int i = 1; i < parts.length; i++) {
                    if (!parts[i].isEmpty()) {
                        p.httpHeaders.add(parts[i]);
                    }
                }
            }
        }
        if (p.httpUri != null && !p.httpUri.startsWith("/") && !p.httpUri.startsWith("*")) {
            throw new BadValue(l.size() == 3 ? 2 : 3, "'" + p.httpUri + "' is not a URI path (expected: a path starting with '/')");
        }
    }

    private static void tcpCheck(ParseContext c, ProxyBuilder p, Line l) {
        if (!p.ownTcpSteps) {
            p.tcpSteps = new java.util.ArrayList<>();
            p.ownTcpSteps = true;
        }
        String a = l.arg(1);
        TcpCheckStep step = switch (a) {
            case "connect" -> connect(l);
            case "send" -> new TcpCheckStep(StepKind.SEND, 0, false, false,
                    bytes(Values.need(l, 2, "data to send")), null, l.pos(0));
            case "send-binary" -> new TcpCheckStep(StepKind.SEND_BINARY, 0, false, false,
                    Values.hex(l, 2, "data to send"), null, l.pos(0));
            case "expect" -> new TcpCheckStep(StepKind.EXPECT, 0, false, false, null, expect(l, TCP_EXPECT), l.pos(0));
            case "comment" -> new TcpCheckStep(StepKind.COMMENT, 0, false, false,
                    bytes(Values.need(l, 2, "comment text")), null, l.pos(0));
            default -> throw new BadValue(1, "'tcp-check " + a + "' is not supported (expected: connect, send, "
                    + "send-binary, expect, comment)");
        };
        if (step.kind() == StepKind.SEND || step.kind() == StepKind.SEND_BINARY) {
            trailingComment(l, 3);
        }
        p.tcpSteps.add(step);
    }

    private static void httpCheck(ParseContext c, ProxyBuilder p, Line l) {
        switch (l.arg(1)) {
            case "connect" -> {
                if (!p.ownHttpSteps) {
                    p.httpConnect = new java.util.ArrayList<>();
                    p.ownHttpSteps = true;
                }
                p.httpConnect.add(connect(l));
            }
            case "send" -> httpSend(p, l);
            case "expect" -> p.httpExpect = expect(l, HTTP_EXPECT);
            case "comment" -> Values.need(l, 2, "comment text");
            case "disable-on-404", "send-state" -> c.ignored(l, "http-check " + l.arg(1),
                    "accepted and not applied by l4lb");
            default -> throw new BadValue(1, "'http-check " + l.arg(1) + "' is not supported (expected: connect, "
                    + "send, expect, comment)");
        }
    }

    private static void httpSend(ProxyBuilder p, Line l) {
        for (int i = 2; i < l.size(); i++) {
            switch (l.arg(i)) {
                case "meth" -> p.httpMethod = Values.need(l, ++i, "method");
                case "uri" -> p.httpUri = Values.need(l, ++i, "uri");
                case "ver" -> p.httpVersion = Values.need(l, ++i, "version");
                case "hdr" -> {
                    String name = Values.need(l, ++i, "header name");
                    p.httpHeaders.add(name + ": " + Values.need(l, ++i, "header value"));
                }
                case "body" -> Values.need(l, ++i, "body");
                case "comment" -> Values.need(l, ++i, "comment");
                default -> throw new BadValue(i, "unexpected '" + l.arg(i) + "' (expected: meth, uri, ver, hdr, body)");
            }
        }
    }

    /** {@code connect [port N] [addr IP] [send-proxy] [ssl] [sni S] [alpn A] [linger] [comment C] [default]}. */
    private static TcpCheckStep connect(Line l) {
        int port = 0;
        boolean sendProxy = false;
        boolean ssl = false;
        for (int i = 2; i < l.size(); i++) {
            switch (l.arg(i)) {
                case "port" -> port = Values.integer(l, ++i, "port", 1, 65535);
                case "send-proxy" -> sendProxy = true;
                case "ssl" -> ssl = true;
                case "linger", "default" -> { }
                case "addr", "sni", "alpn", "comment", "proto" -> Values.need(l, ++i, l.arg(i - 1) + " value");
                default -> throw new BadValue(i, "unexpected '" + l.arg(i) + "' (expected: port N, addr IP, "
                        + "send-proxy, ssl, sni S, alpn A, linger, comment C)");
            }
        }
        return new TcpCheckStep(StepKind.CONNECT, port, sendProxy, ssl, null, null, l.pos(0));
    }

    /** {@code expect [min-recv N] [comment C] [...-status S] [!] MATCH PATTERN}. */
    private static Expect expect(Line l, List<String> kinds) {
        int i = 2;
        while (l.has(i) && List.of("min-recv", "comment", "ok-status", "error-status", "tout-status", "on-success",
                "on-error", "status-code").contains(l.arg(i))) {
            Values.need(l, i + 1, l.arg(i) + " value");
            i += 2;
        }
        boolean negated = false;
        if (l.arg(i).equals("!")) {
            negated = true;
            i++;
        }
        String kind = Values.oneOf(l, i, "match", kinds);
        String pattern = Values.need(l, i + 1, "pattern");
        trailingComment(l, i + 2);
        switch (kind) {
            case "binary" -> Values.hex(l, i + 1, "binary pattern");
            case "rstring", "rstatus", "rbinary" -> {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw new BadValue(i + 1, "invalid regex '" + pattern + "': " + e.getDescription()
                            + " (expected: a regular expression)");
                }
            }
            default -> { }
        }
        return new Expect(ExpectKind.valueOf(kind.toUpperCase()), negated, pattern);
    }

    private static void trailingComment(Line l, int i) {
        if (l.has(i)) {
            if (!l.arg(i).equals("comment")) {
                throw new BadValue(i, "unexpected '" + l.arg(i) + "' (expected: end of line or comment TEXT; "
                        + "quote or escape spaces in the data)");
            }
            Values.need(l, i + 1, "comment text");
            Values.noMore(l, i + 1);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
