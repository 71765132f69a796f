package io.l4lb.core.config;

/**
 * A config warning or error, printed as {@code file:line:col: 'keyword': message} like HAProxy's
 * {@code [WARNING]} / {@code [ALERT]} lines, so editors can jump to it.
 */
public record Diagnostic(Severity severity, SourcePos pos, String keyword, String message) {
    public enum Severity { WARNING, ERROR }

    @Override
    public String toString() {
        return pos + ": '" + keyword + "': " + message;
    }
}
