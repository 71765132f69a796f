package io.l4lb.core.config.parse;

import io.l4lb.core.config.Diagnostic;
import io.l4lb.core.config.SourcePos;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects every error and warning of one parse (all errors, not just the first). Keywords that
 * do not apply to Layer 4 are reported once per keyword and file: the first occurrence carries
 * the warning and lists the other lines, so twenty {@code errorfile} lines give one warning.
 */
public final class Diagnostics {
    private final List<Diagnostic> errors = new ArrayList<>();
    private final List<Diagnostic> warnings = new ArrayList<>();
    private final Map<String, Ignored> ignored = new LinkedHashMap<>();

    private static final class Ignored {
        final SourcePos first;
        final String keyword;
        final String message;
        final List<Integer> moreLines = new ArrayList<>();

        Ignored(SourcePos first, String keyword, String message) {
            this.first = first;
            this.keyword = keyword;
            this.message = message;
        }
    }

    public void error(SourcePos pos, String keyword, String message) {
        errors.add(new Diagnostic(Diagnostic.Severity.ERROR, pos, keyword, message));
    }

    public void warn(SourcePos pos, String keyword, String message) {
        warnings.add(new Diagnostic(Diagnostic.Severity.WARNING, pos, keyword, message));
    }

    /** A keyword accepted and not applied: one warning per (file, keyword). */
    public void ignored(SourcePos pos, String keyword, String reason) {
        String key = pos.file() + "\u0000" + keyword;
        Ignored seen = ignored.get(key);
        if (seen == null) {
            ignored.put(key, new Ignored(pos, keyword, reason));
        } else if (pos.line() != seen.first.line() && !seen.moreLines.contains(pos.line())) {
            seen.moreLines.add(pos.line());
        }
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public int errorCount() {
        return errors.size();
    }

    public List<Diagnostic> errors() {
        return List.copyOf(errors);
    }

    /** Warnings in file/line order, the per-keyword "ignored" ones folded in. */
    public List<Diagnostic> warnings() {
        List<Diagnostic> all = new ArrayList<>(warnings);
        for (Ignored i : ignored.values()) {
            String more = i.moreLines.isEmpty() ? "" : " (also on line" + (i.moreLines.size() > 1 ? "s " : " ")
                    + String.join(", ", i.moreLines.stream().map(String::valueOf).toList()) + ")";
            all.add(new Diagnostic(Diagnostic.Severity.WARNING, i.first, i.keyword, i.message + more));
        }
        all.sort(Diagnostics::byPosition);
        return all;
    }

    static int byPosition(Diagnostic a, Diagnostic b) {
        int c = a.pos().file().compareTo(b.pos().file());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.pos().line(), b.pos().line());
        return c != 0 ? c : Integer.compare(a.pos().col(), b.pos().col());
    }
}
