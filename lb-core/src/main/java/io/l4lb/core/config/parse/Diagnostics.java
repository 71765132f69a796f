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

    /** Errors in line order within each file, files in the order they were read. */
    public List<Diagnostic> errors() {
        return sorted(new ArrayList<>(errors));
    }

    /** Warnings in file/line order, the per-keyword "ignored" ones folded in. */
    public List<Diagnostic> warnings() {
        List<Diagnostic> all = new ArrayList<>(warnings);
        for (Ignored i : ignored.values()) {
            String more = i.moreLines.isEmpty() ? "" : " (also on line" + (i.moreLines.size() > 1 ? "s " : " ")
                    + String.join(", ", i.moreLines.stream().map(String::valueOf).toList()) + ")";
            all.add(new Diagnostic(Diagnostic.Severity.WARNING, i.first, i.keyword, i.message + more));
        }
        return sorted(all);
    }

    /** Stable sort: files in order of first appearance, then line and column. */
    private static List<Diagnostic> sorted(List<Diagnostic> ds) {
        Map<String, Integer> fileOrder = new LinkedHashMap<>();
        for (Diagnostic d : ds) {
            fileOrder.putIfAbsent(d.pos().file(), fileOrder.size());
        }
        ds.sort(java.util.Comparator.comparing((Diagnostic d) -> fileOrder.get(d.pos().file()))
                .thenComparingInt(d -> d.pos().line()).thenComparingInt(d -> d.pos().col()));
        return List.copyOf(ds);
    }
}
