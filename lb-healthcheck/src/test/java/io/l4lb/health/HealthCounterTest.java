package io.l4lb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ServerConfig.InitState;
import io.l4lb.health.HealthCounter.Change;
import org.junit.jupiter.api.Test;

class HealthCounterTest {
    /** Runs a sequence of 'P'ass / 'F'ail and returns the up/down state after each as 'U'/'D'. */
    private static String run(HealthCounter c, String events) {
        StringBuilder sb = new StringBuilder();
        for (char e : events.toCharArray()) {
            if (e == 'P') {
                c.pass();
            } else {
                c.fail();
            }
            sb.append(c.up() ? 'U' : 'D');
        }
        return sb.toString();
    }

    @Test
    void fullyUpNeedsFallFailuresAndFullyDownNeedsRisePasses() {
        HealthCounter c = new HealthCounter(2, 3, InitState.FULLY_UP);
        assertEquals(4, c.health());
        assertEquals("UUD", run(c, "FFF"));
        assertEquals(0, c.health());
        assertEquals("DU", run(c, "PP"));
        assertEquals(2, c.health());
    }

    @Test
    void initStatesFollowHaproxy() {
        assertEquals("D", run(new HealthCounter(2, 3, InitState.UP), "F"), "up: one failure marks it down");
        assertEquals("U", run(new HealthCounter(2, 3, InitState.DOWN), "P"), "down: one pass brings it up");
        assertEquals("DU", run(new HealthCounter(2, 3, InitState.FULLY_DOWN), "PP"));
        assertEquals("UUD", run(new HealthCounter(2, 3, InitState.FULLY_UP), "FFF"));
    }

    @Test
    void aPassWhileUpRefillsTheCounter() {
        HealthCounter c = new HealthCounter(2, 3, InitState.FULLY_UP);
        // two failures, one pass: back to full, so two more failures are not enough
        assertEquals("UUUUU", run(c, "FFPFF"));
        assertEquals("D", run(c, "F"));
    }

    @Test
    void flappingServerNeverRisesWithoutConsecutivePasses() {
        HealthCounter c = new HealthCounter(3, 2, InitState.FULLY_DOWN);
        assertEquals("DDDDDDDD", run(c, "PPFPPFPF"), "a failure while going up resets to 0");
        assertEquals("DDU", run(c, "PPP"));
        assertTrue(c.up());
    }

    @Test
    void flappingUpServerGoesDownOnlyAfterConsecutiveFailures() {
        HealthCounter c = new HealthCounter(2, 3, InitState.FULLY_UP);
        assertEquals("UUUUUUUU", run(c, "FFPFFPFP"));
        assertEquals("UUD", run(c, "FFF"));
    }

    @Test
    void transitionsAreReportedOnce() {
        HealthCounter c = new HealthCounter(2, 2, InitState.FULLY_UP);
        assertEquals(Change.NONE, c.fail());
        assertEquals(Change.WENT_DOWN, c.fail());
        assertEquals(Change.NONE, c.fail());
        assertEquals(Change.NONE, c.pass());
        assertEquals(Change.WENT_UP, c.pass());
        assertEquals(Change.NONE, c.pass());
        assertFalse(c.transitional());
    }

    @Test
    void suddenDeathLeavesOneFailureAndMarkDownIsImmediate() {
        HealthCounter c = new HealthCounter(2, 5, InitState.FULLY_UP);
        assertEquals(Change.NONE, c.suddenDeath());
        assertEquals(2, c.health(), "health rise+1 then one failure: exactly rise, still up");
        assertEquals(Change.WENT_DOWN, c.fail());
        HealthCounter d = new HealthCounter(2, 5, InitState.FULLY_UP);
        assertEquals(Change.WENT_DOWN, d.markDown());
        assertEquals(0, d.health());
    }

    @Test
    void riseOneFallOneFollowsEveryResult() {
        HealthCounter c = new HealthCounter(1, 1, InitState.UP);
        assertEquals("DUDUU", run(c, "FPFPP"));
    }

    @Test
    void rejectsNonPositiveRiseOrFall() {
        assertThrows(IllegalArgumentException.class, () -> new HealthCounter(0, 3, InitState.UP));
        assertThrows(IllegalArgumentException.class, () -> new HealthCounter(2, 0, InitState.UP));
    }

    @Test
    void aCounterContinuedUnderNewRiseFallKeepsUpOrDown() {
        HealthCounter fullyUp = new HealthCounter(2, 3, InitState.FULLY_UP);
        HealthCounter c = HealthCounter.continuing(3, 5, fullyUp);
        assertTrue(c.up());
        assertEquals(3 + 5 - 1, c.health(), "fully up stays fully up");
        HealthCounter oneFailureLeft = new HealthCounter(2, 3, InitState.UP);
        assertEquals("D", run(HealthCounter.continuing(2, 5, oneFailureLeft), "F"), "still one failure from down");
        HealthCounter fullyDown = new HealthCounter(2, 3, InitState.FULLY_DOWN);
        HealthCounter d = HealthCounter.continuing(4, 2, fullyDown);
        assertFalse(d.up());
        assertEquals("DDDU", run(d, "PPPP"), "fully down needs the new rise passes");
        HealthCounter onePassIn = new HealthCounter(3, 3, InitState.FULLY_DOWN);
        onePassIn.pass();
        assertEquals("U", run(HealthCounter.continuing(2, 3, onePassIn), "P"), "passes so far are kept");
    }
}
