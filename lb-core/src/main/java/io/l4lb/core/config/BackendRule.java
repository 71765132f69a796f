package io.l4lb.core.config;

/** {@code use_backend NAME [if|unless COND]}; a null condition always matches. */
public record BackendRule(String backend, Condition condition, SourcePos pos) {}
