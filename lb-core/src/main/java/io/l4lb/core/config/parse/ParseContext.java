package io.l4lb.core.config.parse;

import io.l4lb.core.config.SourcePos;

/** What a keyword handler may use besides its builder: diagnostics and the line's {@code no} flag. */
public final class ParseContext {
    final Diagnostics diag;
    /** True while a handler runs for a line that started with {@code no}. */
    boolean negated;

    public ParseContext(Diagnostics diag) {
        this.diag = diag;
    }

    public boolean negated() {
        return negated;
    }

    public void error(SourcePos pos, String keyword, String message) {
        diag.error(pos, keyword, message);
    }

    public void warn(SourcePos pos, String keyword, String message) {
        diag.warn(pos, keyword, message);
    }

    /** Accepted, not applied: one warning per keyword and file. */
    public void ignored(Line l, String keyword, String reason) {
        diag.ignored(l.pos(0), keyword, reason);
    }

    public Diagnostics diagnostics() {
        return diag;
    }
}
