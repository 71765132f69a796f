package io.l4lb.core.config.parse;

import io.l4lb.core.config.SourcePos;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits config text into lines of words the way HAProxy's {@code parse_line()} does: blanks
 * (space, tab) separate words; {@code #} outside quotes starts a comment; {@code "..."} groups
 * words and honours backslash escapes; {@code '...'} groups words literally; outside single
 * quotes {@code \ \# \" \' \\ \r \n \t \xHH} are unescaped; inside double quotes
 * {@code ${NAME}} and {@code $NAME} expand environment variables. Quotes may be glued to other text
 * ({@code a"b c"} is one word {@code ab c}). CRLF and a missing final newline are accepted.
 * Every word keeps the column where it started so errors can point at it.
 */
public final class Lexer {
    private final String file;
    private final Diagnostics diag;
    private final java.util.function.Function<String, String> env;

    public Lexer(String file, Diagnostics diag) {
        this(file, diag, System::getenv);
    }

    /** With an explicit environment (tests). */
    public Lexer(String file, Diagnostics diag, java.util.function.Function<String, String> env) {
        this.file = file;
        this.diag = diag;
        this.env = env;
    }

    /** Lexes a whole file; lines without words (blank, comment-only) are dropped. */
    public List<Line> lex(String text) {
        List<Line> out = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        if (text.startsWith("\uFEFF")) {
            start = 1;
        }
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            lineNo++;
            String raw = text.substring(start, end);
            if (raw.endsWith("\r")) {
                raw = raw.substring(0, raw.length() - 1);
            }
            List<Word> words = lexLine(raw, lineNo);
            if (!words.isEmpty()) {
                out.add(new Line(file, lineNo, words));
            }
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return out;
    }

    /** Lexes one physical line (without its line terminator). */
    List<Word> lexLine(String s, int lineNo) {
        List<Word> words = new ArrayList<>();
        StringBuilder cur = null;
        int wordCol = 0;
        boolean quoted = false;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\f' || c == '\u000b') {
                if (cur != null) {
                    words.add(new Word(cur.toString(), wordCol, quoted));
                    cur = null;
                }
                i++;
                continue;
            }
            if (c == '#') {
                break;
            }
            if (cur == null) {
                cur = new StringBuilder();
                wordCol = i + 1;
                quoted = false;
            }
            if (c == '\'') {
                int close = s.indexOf('\'', i + 1);
                if (close < 0) {
                    error(lineNo, i + 1, "unmatched single quote (expected: a closing ')");
                    return List.of();
                }
                cur.append(s, i + 1, close);
                quoted = true;
                i = close + 1;
            } else if (c == '"') {
                int j = i + 1;
                boolean closed = false;
                while (j < n) {
                    char d = s.charAt(j);
                    if (d == '"') {
                        closed = true;
                        break;
                    }
                    if (d == '\\' && j + 1 < n) {
                        j = unescape(s, j, cur, lineNo);
                        if (j < 0) {
                            return List.of();
                        }
                    } else if (d == '$') {
                        j = environment(s, j, cur, lineNo);
                    } else {
                        cur.append(d);
                        j++;
                    }
                }
                if (!closed) {
                    error(lineNo, i + 1, "unmatched double quote (expected: a closing \")");
                    return List.of();
                }
                quoted = true;
                i = j + 1;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    // A trailing backslash: HAProxy keeps it literally.
                    cur.append('\\');
                    i++;
                } else {
                    i = unescape(s, i, cur, lineNo);
                    if (i < 0) {
                        return List.of();
                    }
                }
            } else {
                cur.append(c);
                i++;
            }
        }
        if (cur != null) {
            words.add(new Word(cur.toString(), wordCol, quoted));
        }
        return words;
    }

    /** Unescapes the sequence starting with the backslash at {@code i}; returns the next index or -1. */
    private int unescape(String s, int i, StringBuilder out, int lineNo) {
        char e = s.charAt(i + 1);
        switch (e) {
            case 'r' -> out.append('\r');
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'x' -> {
                if (isHex(s, i + 2) && isHex(s, i + 3)) {
                    out.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                    return i + 4;
                }
                error(lineNo, i + 1, "invalid escape '\\x' (expected: \\x followed by two hex digits)");
                return -1;
            }
            case ' ', '#', '"', '\'', '\\', '$' -> out.append(e);
            default -> out.append('\\').append(e);
        }
        return i + 2;
    }

    /**
     * {@code ${NAME}} or {@code $NAME} inside double quotes: the environment variable, as in
     * HAProxy; an unset variable becomes the empty string, with a warning. Returns the next index.
     */
    private int environment(String s, int i, StringBuilder out, int lineNo) {
        int start;
        int end;
        int next;
        if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
            start = i + 2;
            end = s.indexOf('}', start);
            if (end < 0) {
                out.append('$');
                return i + 1;
            }
            next = end + 1;
        } else {
            start = i + 1;
            end = start;
            while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
                end++;
            }
            next = end;
        }
        if (end == start) {
            out.append('$');
            return i + 1;
        }
        String name = s.substring(start, end);
        String value = env.apply(name);
        if (value == null) {
            diag.warn(new SourcePos(file, lineNo, i + 1), "$" + name, "environment variable '" + name
                    + "' is not set: replaced by an empty string");
            value = "";
        }
        out.append(value);
        return next;
    }

    private static boolean isHex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }

    private void error(int line, int col, String msg) {
        diag.error(new SourcePos(file, line, col), "syntax", msg);
    }
}
