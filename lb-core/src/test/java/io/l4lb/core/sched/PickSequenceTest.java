package io.l4lb.core.sched;

import static io.l4lb.core.sched.Servers.close;
import static io.l4lb.core.sched.Servers.open;
import static io.l4lb.core.sched.Servers.pickAndHold;
import static io.l4lb.core.sched.Servers.picks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact pick sequences, each worked out by hand in the comment above its assertion. */
class PickSequenceTest {

    @Test
    void roundRobinSkipsDrainedServersAndIgnoresWeights() {
        List<SchedServer> s = Servers.weighted(1, 0, 7);
        assertEquals("a c a c a c", picks(new RoundRobin(s, 0), s, 6));
    }

    @Test
    void smoothWeightedRoundRobinFiveOneOne() {
        // nginx smooth WRR, current weights after "+= w" -> pick max, max -= 7:
        // (5,1,1)a (3,2,2)a (1,3,3)b (6,-3,4)a (4,-2,5)c (9,-1,-1)a (7,0,0)a -> back to (0,0,0)
        List<SchedServer> s = Servers.weighted(5, 1, 1);
        assertEquals("a a b a c a a a a b a c a a", picks(new WeightedRoundRobin(s, 0), s, 14));
        assertEquals("a a b a c a a", picks(new StaticRoundRobin(s), s, 7));
    }

    @Test
    void smoothWeightedRoundRobinThreeFive() {
        // (3,5)b (6,2)a (1,7)b (4,4)a first on ties (-1,9)b (2,6)b (5,3)a (0,8)b
        List<SchedServer> s = Servers.weighted(3, 5);
        assertEquals("b a b a b b a b", picks(new WeightedRoundRobin(s, 0), s, 8));
    }

    @Test
    void weightedRoundRobinReducesByGcd() {
        List<SchedServer> s = Servers.weighted(10, 20, 0);
        WeightedRoundRobin wrr = new WeightedRoundRobin(s, 0);
        assertEquals(3, wrr.cycleLength());
        // (1,2)b (2,1)a (0,3)b... cycle b a b
        assertEquals("b a b b a b", picks(wrr, s, 6));
    }

    @Test
    void countersWrapPastIntegerMaxValue() {
        // Cycle length 8 divides 2^32: floorMod keeps the sequence continuous across the wrap.
        List<SchedServer> s = Servers.weighted(3, 5);
        String cycle = "b a b a b b a b";
        WeightedRoundRobin wrr = new WeightedRoundRobin(s, Integer.MAX_VALUE - 7); // = 0 mod 8
        assertEquals(cycle + " " + cycle, picks(wrr, s, 16));
        // Length 3 does not divide 2^32: the position jumps once, every index stays valid.
        List<SchedServer> three = Servers.weighted(1, 1, 1);
        Scheduler rr = new RoundRobin(three, Integer.MAX_VALUE - 2);
        Scheduler w3 = new WeightedRoundRobin(Servers.weighted(1, 2, 0), Integer.MAX_VALUE - 2);
        for (int k = 0; k < 10; k++) {
            int i = rr.pick(0);
            int j = w3.pick(0);
            assertTrue(i >= 0 && i < 3, "rr index " + i);
            assertTrue(j == 0 || j == 1, "wrr index " + j);
        }
        // floorMod, not %: MAX_VALUE - 2 = 2 mod 3, MAX_VALUE - 1 = 0, MAX_VALUE = 1, MIN_VALUE = 1.
        assertEquals("c a b b c", picks(new RoundRobin(three, Integer.MAX_VALUE - 2), three, 5));
    }

    @Test
    void leastConnectionCountsInactiveAsOneTwoHundredFiftySixth() {
        List<SchedServer> s = Servers.weighted(1, 1, 1);
        s.get(0).load().addInactive(300); // overhead 300 > 256
        s.get(1).load().addActive(1);     // overhead 256
        s.get(2).load().addInactive(255); // overhead 255
        LeastConnection lc = new LeastConnection(s);
        // c(255) then, holding: c is 511, b 256, a 300 -> b; b 512 -> a (300); a 556 -> c (511)
        assertEquals("c b a c", pickAndHold(lc, s, 4));
    }

    @Test
    void leastConnectionIgnoresWeightsButNotWeightZero() {
        List<SchedServer> s = Servers.weighted(1, 100, 0);
        assertEquals("a b a b a b", pickAndHold(new LeastConnection(s), s, 6));
    }

    @Test
    void weightedLeastConnectionThreeFive() {
        // active/weight, held: (0,0)a by index (1,0)b (1,1): 1/3>1/5 b (1,2): 1/3<2/5 a
        // (2,2): 2/3>2/5 b (2,3): 2/3>3/5 b (2,4): 2/3<4/5 a (3,4): 1>4/5 b -> (3,5)
        List<SchedServer> s = Servers.weighted(3, 5);
        assertEquals("a b b a b b a b", pickAndHold(new WeightedLeastConnection(s), s, 8));
    }

    @Test
    void weightedLeastConnectionTiesRotateAfterCloses() {
        List<SchedServer> s = Servers.weighted(2, 2, 2);
        WeightedLeastConnection wlc = new WeightedLeastConnection(s);
        assertEquals("a b c a b c", pickAndHold(wlc, s, 6));
        close(wlc, s, 1);
        close(wlc, s, 0);
        // a and b both at 1: b was picked last at pick 5, a at pick 4 -> a is least recent
        assertEquals("a b", pickAndHold(wlc, s, 2));
    }

    @Test
    void shortestExpectedDelayOneTwo() {
        // (active+1)/w, held: (0,0): 1 vs 1/2 b; (0,1): 1 vs 1 tie, a never picked -> a;
        // (1,1): 2 vs 1 b; (1,2): 2 vs 3/2 b; (1,3): 2 vs 2 tie, a picked longer ago -> a; (2,3): 3 vs 2 b
        List<SchedServer> s = Servers.weighted(1, 2);
        assertEquals("b a b b a b", pickAndHold(new ShortestExpectedDelay(s), s, 6));
    }

    @Test
    void neverQueueOneTwo() {
        // idle first: (0,0) both idle, by index a; (1,0) b idle -> b; then sed:
        // (1,1): 2 vs 1 b; (1,2): 2 vs 3/2 b; (1,3): 2 vs 2 tie, a least recent -> a; (2,3): 3 vs 2 b
        List<SchedServer> s = Servers.weighted(1, 2);
        assertEquals("a b b b a b", pickAndHold(new NeverQueue(s), s, 6));
    }

    @Test
    void neverQueuePrefersAnIdleServerOverAFasterBusyOne() {
        List<SchedServer> s = Servers.weighted(100, 1);
        s.get(0).load().addActive(1); // sed would still prefer a: 2/100 < 1/1
        assertEquals(1, new NeverQueue(s).pick(0));
        assertEquals(0, new ShortestExpectedDelay(s).pick(0));
    }

    @Test
    void firstFillsServersInOrderUpToMaxconn() {
        List<SchedServer> s = List.of(
                new SchedServer("a", 1, new ServerLoad(), 2),
                new SchedServer("b", 0, new ServerLoad(), 0),
                new SchedServer("c", 1, new ServerLoad(), 3),
                new SchedServer("d", 1, new ServerLoad(), 1));
        First first = new First(s);
        assertEquals("a a c c c d - -", pickAndHold(first, s, 8));
        close(first, s, 2);
        assertEquals(2, first.pick(0));
        close(first, s, 0);
        assertEquals(0, first.pick(0));
        open(first, s, 0);
        assertEquals(2, first.pick(0));
    }

    @Test
    void firstRepairsAStaleTreeInsteadOfOverfillingAServer() {
        List<SchedServer> s = List.of(new SchedServer("a", 1, new ServerLoad(), 1),
                new SchedServer("b", 1, new ServerLoad(), 0));
        First first = new First(s);
        s.get(0).load().addActive(1); // counted, loadChanged not (yet) called
        assertEquals(1, first.pick(0));
    }
}
