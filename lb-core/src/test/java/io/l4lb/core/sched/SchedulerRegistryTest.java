package io.l4lb.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulerRegistryTest {

    @Test
    void lvsAndHaproxyKeywordsMapToTheirCanonicalScheduler() {
        assertEquals(Optional.of("wrr"), SchedulerRegistry.canonical("roundrobin"));
        assertEquals(Optional.of("static-rr"), SchedulerRegistry.canonical("static-rr"));
        assertEquals(Optional.of("wlc"), SchedulerRegistry.canonical("leastconn"));
        assertEquals(Optional.of("sh"), SchedulerRegistry.canonical("source"));
        assertEquals(Optional.of("first"), SchedulerRegistry.canonical("first"));
        for (String lvs : List.of("rr", "wrr", "lc", "wlc", "sh", "mh", "sed", "nq")) {
            assertEquals(Optional.of(lvs), SchedulerRegistry.canonical(lvs));
        }
        assertEquals(Optional.empty(), SchedulerRegistry.canonical("leastconns"));
        assertEquals(Set.of("rr", "wrr", "lc", "wlc", "sh", "mh", "sed", "nq", "roundrobin", "static-rr",
                "leastconn", "source", "first"), SchedulerRegistry.keywords());
    }

    @Test
    void factoriesBuildTheNamedAlgorithm() {
        List<SchedServer> s = Servers.weighted(1, 2);
        assertInstanceOf(WeightedRoundRobin.class, SchedulerRegistry.factory("roundrobin").create(s));
        assertInstanceOf(StaticRoundRobin.class, SchedulerRegistry.factory("static-rr").create(s));
        assertInstanceOf(WeightedLeastConnection.class, SchedulerRegistry.factory("leastconn").create(s));
        assertInstanceOf(SourceHash.class, SchedulerRegistry.factory("source").create(s));
        assertInstanceOf(Maglev.class, SchedulerRegistry.factory("mh").create(s));
        assertInstanceOf(First.class, SchedulerRegistry.factory("first").create(s));
        assertInstanceOf(NeverQueue.class, SchedulerRegistry.factory("nq").create(s));
    }

    @Test
    void unknownKeywordIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchedulerRegistry.factory("leastconns"));
        assertTrue(e.getMessage().contains("'leastconns'") && e.getMessage().contains("leastconn"), e.getMessage());
    }

    @Test
    void keywordSetIsReadOnly() {
        assertThrows(UnsupportedOperationException.class, () -> SchedulerRegistry.keywords().add("x"));
    }
}
