package io.l4lb.core.config.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {
    private final Diagnostics diag = new Diagnostics();

    private List<Line> lex(String text) {
        return new Lexer("t.cfg", diag).lex(text);
    }

    private List<String> words(String line) {
        List<Line> lines = lex(line);
        assertEquals(1, lines.size(), "one line expected");
        return lines.get(0).words().stream().map(Word::text).toList();
    }

    @Test
    void splitsOnBlanksAndKeepsColumns() {
        Line l = lex("  bind\t:80   name x").get(0);
        assertEquals(List.of("bind", ":80", "name", "x"), l.words().stream().map(Word::text).toList());
        assertEquals(List.of(3, 8, 14, 19), l.words().stream().map(Word::col).toList());
        assertEquals(1, l.number());
    }

    @Test
    void stripsCommentsButNotQuotedOrEscapedHashes() {
        assertEquals(List.of("maxconn", "10"), words("maxconn 10 # the limit"));
        assertEquals(List.of("a#b", "c#d"), words("\"a#b\" c\\#d #x"));
        assertTrue(lex("# only a comment\n   \n\t# another").isEmpty());
    }

    @Test
    void doubleQuotesGroupAndUnescape() {
        assertEquals(List.of("tcp-check", "send", "PING\r\n"), words("tcp-check send \"PING\\r\\n\""));
        assertEquals(List.of("desc", "Redis Master"), words("desc \"Redis Master\""));
        assertEquals(List.of("x", "say \"hi\""), words("x \"say \\\"hi\\\"\""));
    }

    @Test
    void environmentVariablesExpandInsideDoubleQuotesOnly() {
        java.util.Map<String, String> env = java.util.Map.of("DB_HOST", "10.0.0.5", "PORT", "5432");
        List<Line> lines = new Lexer("t.cfg", diag, env::get)
                .lex("server db \"${DB_HOST}:$PORT\" '${DB_HOST}' \"$\" \"${NOPE}x\"\n");
        assertEquals(List.of("server", "db", "10.0.0.5:5432", "${DB_HOST}", "$", "x"),
                lines.get(0).words().stream().map(Word::text).toList());
        assertEquals("t.cfg:1:48: '$NOPE': environment variable 'NOPE' is not set: replaced by an empty string",
                diag.warnings().get(0).toString());
    }

    @Test
    void singleQuotesAreLiteral() {
        assertEquals(List.of("x", "a\\nb c"), words("x 'a\\nb c'"));
    }

    @Test
    void backslashEscapesOutsideQuotes() {
        assertEquals(List.of("stats", "realm", "HAProxy Stats"), words("stats realm HAProxy\\ Stats"));
        assertEquals(List.of("send", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                words("send GET\\ /\\ HTTP/1.1\\r\\nHost:\\ x\\r\\n\\r\\n"));
        assertEquals(List.of("A\t"), words("\\x41\\t"));
        assertEquals(List.of("a\\qb"), words("a\\qb"));
    }

    @Test
    void quotesGlueToNeighbours() {
        assertEquals(List.of("ab cd"), words("a\"b c\"d"));
        assertEquals(List.of("x", ""), words("x \"\""));
    }

    @Test
    void crlfAndMissingFinalNewline() {
        List<Line> lines = lex("global\r\n  maxconn 5\r\n\r\ndefaults\n mode tcp");
        assertEquals(4, lines.size());
        assertEquals(List.of("maxconn", "5"), lines.get(1).words().stream().map(Word::text).toList());
        assertEquals(2, lines.get(1).number());
        assertEquals(4, lines.get(2).number());
        assertEquals(5, lines.get(3).number());
        assertEquals("tcp", lines.get(3).arg(1));
    }

    @Test
    void byteOrderMarkIsSkipped() {
        assertEquals("global", lex("\uFEFFglobal\n").get(0).arg(0));
    }

    @Test
    void unterminatedQuotesAreErrorsWithPosition() {
        lex("global\n  description \"open\n  x 'y\n");
        assertEquals(List.of(
                "t.cfg:2:15: 'syntax': unmatched double quote (expected: a closing \")",
                "t.cfg:3:5: 'syntax': unmatched single quote (expected: a closing ')"),
                diag.errors().stream().map(Object::toString).toList());
    }

    @Test
    void badHexEscapeIsAnError() {
        lex("send \\xZZ\n");
        assertEquals("t.cfg:1:6: 'syntax': invalid escape '\\x' (expected: \\x followed by two hex digits)",
                diag.errors().get(0).toString());
    }

    @Test
    void pastTheEndPositionPointsAfterTheLastWord() {
        Line l = lex("maxconn").get(0);
        assertEquals("t.cfg:1:9", l.pos(1).toString());
        assertEquals("", l.arg(3));
    }
}
