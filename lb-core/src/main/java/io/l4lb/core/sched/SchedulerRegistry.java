package io.l4lb.core.sched;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Config keyword -> scheduler. LVS names ({@code rr wrr lc wlc sh mh sed nq}) plus HAProxy's
 * ({@code roundrobin static-rr leastconn source first}) mapped onto them.
 * PLACEHOLDER: only a plain rr is registered until the scheduler library lands.
 */
public final class SchedulerRegistry {
    private static final Map<String, String> CANONICAL = new LinkedHashMap<>();
    private static final Map<String, SchedulerFactory> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put("rr", SchedulerRegistry::plainRoundRobin);
        CANONICAL.put("rr", "rr");
        CANONICAL.put("roundrobin", "rr");
    }

    private SchedulerRegistry() {
    }

    /** The canonical scheduler name for a {@code balance} keyword, if it is known. */
    public static Optional<String> canonical(String keyword) {
        return Optional.ofNullable(CANONICAL.get(keyword));
    }

    /** Every accepted {@code balance} keyword. */
    public static Set<String> keywords() {
        return CANONICAL.keySet();
    }

    /** @throws IllegalArgumentException for an unknown keyword */
    public static SchedulerFactory factory(String keyword) {
        String name = canonical(keyword).orElseThrow(() -> new IllegalArgumentException("unknown scheduler " + keyword));
        return FACTORIES.get(name);
    }

    private static Scheduler plainRoundRobin(List<SchedServer> servers) {
        AtomicInteger next = new AtomicInteger();
        SchedServer[] s = servers.toArray(SchedServer[]::new);
        return hash -> {
            for (int tries = 0; tries < s.length; tries++) {
                int i = Math.floorMod(next.getAndIncrement(), s.length);
                if (s[i].weight() > 0) {
                    return i;
                }
            }
            return -1;
        };
    }
}
