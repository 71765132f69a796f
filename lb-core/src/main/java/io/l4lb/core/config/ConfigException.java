package io.l4lb.core.config;

import java.util.List;

/** The config is invalid: every error found, each with file:line:col. Nothing was applied. */
public final class ConfigException extends Exception {
    private final transient List<Diagnostic> errors;

    public ConfigException(List<Diagnostic> errors) {
        super(errors.isEmpty() ? "invalid configuration" : errors.get(0).toString()
                + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
        this.errors = List.copyOf(errors);
    }

    public List<Diagnostic> errors() {
        return errors;
    }
}
