package io.l4lb.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropCountersTest {
    @Test
    void countsByIndexReadByLabelInOrder() {
        DropCounters d = new DropCounters(List.of("no_server", "too_big"));
        d.increment(1);
        d.increment(1);
        d.increment(0);
        assertEquals(1, d.get("no_server"));
        assertEquals(2, d.get("too_big"));
        assertEquals(0, d.get("unknown"), "a reason this set does not have");
        assertEquals(3, d.total());
        assertEquals(List.of("no_server", "too_big"), List.copyOf(d.snapshot().keySet()));
        assertEquals(Map.of("no_server", 1L, "too_big", 2L), d.snapshot());
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> d.increment(2));
    }

    @Test
    void proxyFrontendsHaveNoReasons() {
        FrontendCounters c = new FrontendCounters();
        assertEquals(List.of(), c.drops.reasons());
        assertEquals(0, c.drops.total());
    }
}
