package io.l4lb.core.config;

import java.util.List;

/** The config is invalid: every error found, each with file:line:col. Nothing was applied. */
public final class ConfigException extends Exception {
    private final transient List<Diagnostic> errors;
    private final transient List<Diagnostic> warnings;

    public ConfigException(List<Diagnostic> errors) {
        this(errors, List.of());
    }

    /** Errors plus the warnings found on the way, so {@code l4lb check} can print both. */
    public ConfigException(List<Diagnostic> errors, List<Diagnostic> warnings) {
        super(errors.isEmpty() ? "invalid configuration" : errors.get(0).toString()
                + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
        this.errors = List.copyOf(errors);
        this.warnings = List.copyOf(warnings);
    }

    public List<Diagnostic> warnings() {
        return warnings;
    }

    public List<Diagnostic> errors() {
        return errors;
    }
}
