package io.l4lb.core.sched;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Config keyword -> scheduler. The canonical names are LVS's ({@code rr wrr lc wlc sh mh sed nq})
 * plus HAProxy's {@code static-rr} and {@code first}; HAProxy's other {@code balance} names map
 * onto them: {@code roundrobin} = {@code wrr} (weighted, weights may change at run time),
 * {@code leastconn} = {@code wlc}, {@code source} = {@code sh}. See docs/schedulers.md.
 */
public final class SchedulerRegistry {
    /** Canonical name -> factory, in documentation order. */
    private static final Map<String, SchedulerFactory> FACTORIES = new LinkedHashMap<>();
    /** Every accepted keyword -> canonical name. */
    private static final Map<String, String> CANONICAL = new LinkedHashMap<>();

    static {
        register("rr", RoundRobin::create);
        register("wrr", WeightedRoundRobin::create);
        register("static-rr", StaticRoundRobin::create);
        register("lc", LeastConnection::create);
        register("wlc", WeightedLeastConnection::create);
        register("sed", ShortestExpectedDelay::create);
        register("nq", NeverQueue::create);
        register("sh", SourceHash::create);
        register("mh", Maglev::create);
        register("first", First::create);
        alias("roundrobin", "wrr");
        alias("leastconn", "wlc");
        alias("source", "sh");
    }

    private SchedulerRegistry() {
    }

    private static void register(String name, SchedulerFactory factory) {
        FACTORIES.put(name, factory);
        CANONICAL.put(name, name);
    }

    private static void alias(String keyword, String name) {
        if (!FACTORIES.containsKey(name)) {
            throw new IllegalStateException("alias " + keyword + " of unknown scheduler " + name);
        }
        CANONICAL.put(keyword, name);
    }

    /** The canonical scheduler name for a {@code balance} keyword, if it is known. */
    public static Optional<String> canonical(String keyword) {
        return Optional.ofNullable(CANONICAL.get(keyword));
    }

    /** Every accepted {@code balance} keyword (canonical names and HAProxy aliases). */
    public static Set<String> keywords() {
        return Collections.unmodifiableSet(CANONICAL.keySet());
    }

    /** The canonical scheduler names, one per implementation. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(FACTORIES.keySet());
    }

    /** @throws IllegalArgumentException for an unknown keyword */
    public static SchedulerFactory factory(String keyword) {
        String name = canonical(keyword).orElseThrow(() -> new IllegalArgumentException(
                "unknown scheduler '" + keyword + "' (expected one of: " + String.join(", ", keywords()) + ")"));
        return FACTORIES.get(name);
    }
}
