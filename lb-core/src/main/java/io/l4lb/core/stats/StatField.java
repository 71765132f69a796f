package io.l4lb.core.stats;

import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * One entry of the stats catalogue: a stable snake_case {@code name} (Prometheus adds its prefix),
 * a one-line {@code help}, its {@link StatType} and {@link StatScope}, and how to read the value
 * from the scoped object ({@code T} is {@link FrontendCounters} or
 * {@link io.l4lb.core.state.ServerRuntime}).
 */
public record StatField<T>(String name, String help, StatType type, StatScope scope, ToLongFunction<T> reader) {
    public StatField {
        Objects.requireNonNull(name);
        Objects.requireNonNull(help);
        Objects.requireNonNull(type);
        Objects.requireNonNull(scope);
        Objects.requireNonNull(reader);
    }

    public long read(T target) {
        return reader.applyAsLong(target);
    }
}
