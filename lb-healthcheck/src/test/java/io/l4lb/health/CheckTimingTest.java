package io.l4lb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ServerConfig.InitState;
import io.l4lb.core.config.ServerConfig.ServerOptions;
import io.l4lb.health.testing.TestOpts;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckTimingTest {
    private static ServerOptions opts() {
        TestOpts o = new TestOpts();
        o.inter = Duration.ofSeconds(2);
        o.fastinter = Duration.ofMillis(500);
        o.downinter = Duration.ofSeconds(10);
        return o.build();
    }

    @Test
    void interWhileFullyUpFastinterWhileChangingDowninterWhileDown() {
        ServerOptions o = opts();
        HealthCounter c = new HealthCounter(2, 3, InitState.FULLY_UP);
        assertEquals(2_000_000_000L, CheckTiming.intervalNanos(o, c));
        c.fail();
        assertEquals(500_000_000L, CheckTiming.intervalNanos(o, c), "going down");
        c.fail();
        c.fail();
        assertEquals(10_000_000_000L, CheckTiming.intervalNanos(o, c), "down");
        c.pass();
        assertEquals(500_000_000L, CheckTiming.intervalNanos(o, c), "going up");
        c.pass();
        assertEquals(500_000_000L, CheckTiming.intervalNanos(o, c), "up but not full: still fastinter");
        c.pass();
        c.pass();
        assertEquals(2_000_000_000L, CheckTiming.intervalNanos(o, c));
    }

    @Test
    void spreadStaysWithinItsWidthAndActuallyVaries() {
        Random r = new Random(42);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long d = CheckTiming.spread(1_000_000_000L, 20, r);
            assertTrue(d >= 900_000_000L && d <= 1_100_000_000L, "out of +/-10%: " + d);
            seen.add(d / 10_000_000L);
        }
        assertTrue(seen.size() > 10, "jitter should spread the delays: " + seen.size());
        assertEquals(1_000_000_000L, CheckTiming.spread(1_000_000_000L, 0, r));
    }

    @Test
    void slowstartRampIsLinearAndBounded() {
        long t = 10_000_000_000L;
        assertEquals(1, CheckTiming.slowstartPercent(0, t));
        assertEquals(25, CheckTiming.slowstartPercent(2_500_000_000L, t));
        assertEquals(51, CheckTiming.slowstartPercent(5_000_000_001L, t));
        assertEquals(100, CheckTiming.slowstartPercent(t, t));
        assertEquals(100, CheckTiming.slowstartPercent(5, 0));
    }
}
