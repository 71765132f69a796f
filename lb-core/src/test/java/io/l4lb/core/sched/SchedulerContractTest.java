package io.l4lb.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every registered scheduler keeps (DESIGN.md): empty set, weight 0 never picked,
 * exact proportions where the algorithm promises them, thread safety, tie rotation. Runs over
 * {@link SchedulerRegistry#names()}, so a newly registered scheduler is tested too, and fails
 * until it declares which proportion promise it makes.
 */
class SchedulerContractTest {
    /** What each scheduler promises about proportions. */
    enum Promise {
        /** Every server with weight > 0 exactly once per n picks (weights ignored). */
        EQUAL_CYCLE,
        /** Exactly its weight in every window of sum(weights) picks, interleaved. */
        WEIGHTED_CYCLE,
        /** Connections held open: equal counts after every multiple of n picks. */
        EQUAL_HELD,
        /** Connections held open: counts exactly k * weight after k * sum(weights) picks. */
        WEIGHTED_HELD,
        /** Over many client hashes: shares proportional to weights (within 5%). */
        HASHED,
        /** First server with a free slot: all to the first while it has no maxconn. */
        FIRST_FREE
    }

    private static final Map<String, Promise> PROMISES = Map.ofEntries(
            Map.entry("rr", Promise.EQUAL_CYCLE),
            Map.entry("wrr", Promise.WEIGHTED_CYCLE),
            Map.entry("static-rr", Promise.WEIGHTED_CYCLE),
            Map.entry("lc", Promise.EQUAL_HELD),
            Map.entry("wlc", Promise.WEIGHTED_HELD),
            Map.entry("sed", Promise.WEIGHTED_HELD),
            Map.entry("nq", Promise.WEIGHTED_HELD),
            Map.entry("sh", Promise.HASHED),
            Map.entry("mh", Promise.HASHED),
            Map.entry("first", Promise.FIRST_FREE));

    static Stream<String> schedulers() {
        return SchedulerRegistry.names().stream();
    }

    static Stream<String> leastLoad() {
        return schedulers().filter(n -> PROMISES.get(n) == Promise.EQUAL_HELD
                || PROMISES.get(n) == Promise.WEIGHTED_HELD);
    }

    private static Scheduler build(String name, List<SchedServer> servers) {
        return SchedulerRegistry.factory(name).create(servers);
    }

    @Test
    void everyRegisteredSchedulerDeclaresItsPromise() {
        assertEquals(PROMISES.keySet(), SchedulerRegistry.names());
    }

    @ParameterizedTest
    @MethodSource("schedulers")
    void emptySetPicksNothing(String name) {
        Scheduler s = build(name, List.of());
        for (int h = -3; h < 3; h++) {
            assertEquals(-1, s.pick(h));
        }
        s.loadChanged(0); // out of range: ignored, not thrown
        assertEquals(-1, s.pick(Integer.MIN_VALUE));
    }

    @ParameterizedTest
    @MethodSource("schedulers")
    void allWeightZeroPicksNothing(String name) {
        List<SchedServer> servers = Servers.weighted(0, 0, 0);
        Scheduler s = build(name, servers);
        for (int h = 0; h < 100; h++) {
            assertEquals(-1, s.pick(h * 0x9E3779B9));
        }
    }

    @ParameterizedTest
    @MethodSource("schedulers")
    void weightZeroIsNeverPicked(String name) {
        List<SchedServer> servers = Servers.weighted(0, 1, 0, 2, 0);
        Scheduler s = build(name, servers);
        Random rnd = new Random(7);
        int[] seen = new int[servers.size()];
        for (int k = 0; k < 5000; k++) {
            int i = s.pick(rnd.nextInt());
            assertTrue(i == 1 || i == 3, name + " picked " + i);
            seen[i]++;
            if (k % 3 == 0) {
                Servers.open(s, servers, i); // load changes must not revive a drained server
            }
        }
        if (PROMISES.get(name) != Promise.FIRST_FREE) {
            assertTrue(seen[1] > 0 && seen[3] > 0, name + " ignores a weighted server");
        }
    }

    @ParameterizedTest
    @MethodSource("schedulers")
    void proportionsHold(String name) {
        int[] w = {3, 5, 0, 2};
        List<SchedServer> servers = Servers.weighted(w);
        Scheduler s = build(name, servers);
        int total = 10;
        switch (PROMISES.get(name)) {
            case EQUAL_CYCLE -> {
                for (int cycle = 0; cycle < 50; cycle++) {
                    assertEquals(List.of(0, 1, 3), sorted(picks(s, 3)), name + " cycle " + cycle);
                }
            }
            case WEIGHTED_CYCLE -> {
                List<Integer> seq = picks(s, total * 20);
                for (int from = 0; from + total <= seq.size(); from++) {
                    int[] c = counts(seq.subList(from, from + total), w.length);
                    assertEquals(3, c[0], name + " window at " + from + ": " + seq);
                    assertEquals(5, c[1], name + " window at " + from);
                    assertEquals(2, c[3], name + " window at " + from);
                }
                assertTrue(longestRun(seq) <= 2, name + " sends bursts: " + seq.subList(0, total));
            }
            case EQUAL_HELD, WEIGHTED_HELD -> {
                boolean weighted = PROMISES.get(name) == Promise.WEIGHTED_HELD;
                for (int k = 1; k <= 20; k++) {
                    int n = weighted ? total : 3;
                    for (int j = 0; j < n; j++) {
                        Servers.open(s, servers, s.pick(j));
                    }
                    for (int i : new int[] {0, 1, 3}) {
                        int want = weighted ? k * w[i] : k;
                        assertEquals(want, servers.get(i).load().active(), name + " server " + i + " after " + k);
                    }
                }
            }
            case HASHED -> {
                Random rnd = new Random(42);
                int[] c = new int[w.length];
                int n = 200_000;
                for (int k = 0; k < n; k++) {
                    c[s.pick(rnd.nextInt())]++;
                }
                for (int i = 0; i < w.length; i++) {
                    double want = (double) n * w[i] / total;
                    assertEquals(want, c[i], want * 0.05 + 1, name + " share of server " + i);
                }
            }
            case FIRST_FREE -> assertEquals(List.of(0, 0, 0, 0, 0), picks(s, 5));
            default -> fail("no promise for " + name);
        }
    }

    @ParameterizedTest
    @MethodSource("leastLoad")
    void tiesRotateInsteadOfFavouringTheFirstServer(String name) {
        List<SchedServer> servers = Servers.equal(4);
        Scheduler s = build(name, servers);
        // Equal load, no connection ever opened: each round of 4 picks must visit all 4 servers.
        for (int round = 0; round < 10; round++) {
            assertEquals(List.of(0, 1, 2, 3), sorted(picks(s, 4)), name + " round " + round);
        }
        // Equal load after opens and closes too.
        for (int i = 0; i < 4; i++) {
            Servers.open(s, servers, i);
        }
        Servers.close(s, servers, 2);
        assertEquals(2, s.pick(0), name + ": the only least loaded server");
        Servers.open(s, servers, 2);
        // Equal again (1 each): picks that open connections still go round all four.
        for (int round = 0; round < 5; round++) {
            List<Integer> got = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                int i = s.pick(j);
                got.add(i);
                Servers.open(s, servers, i);
            }
            assertEquals(List.of(0, 1, 2, 3), sorted(got), name + " held round " + round);
        }
    }

    @ParameterizedTest
    @MethodSource("schedulers")
    void concurrentPicksWithChurnStayValidAndBalanced(String name) throws Exception {
        int threads = 4;
        int perThread = 2_500;
        List<SchedServer> servers = Servers.equal(10);
        Scheduler s = build(name, servers);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    ArrayDeque<Integer> open = new ArrayDeque<>();
                    for (int k = 0; k < perThread * 4; k++) { // churn: open 4, close 3
                        int i = s.pick(rnd.nextInt());
                        if (i < 0 || i >= servers.size()) {
                            return -1;
                        }
                        Servers.open(s, servers, i);
                        open.add(i);
                        if (k % 4 != 3) {
                            Servers.close(s, servers, open.poll());
                        }
                    }
                    return open.size();
                }));
            }
            int held = 0;
            for (Future<Integer> f : results) {
                int r = f.get(60, TimeUnit.SECONDS);
                assertTrue(r >= 0, name + " returned an invalid index under concurrency");
                held += r;
            }
            assertEquals(threads * perThread, held);
            int sum = servers.stream().mapToInt(x -> x.load().active()).sum();
            assertEquals(held, sum, name + " lost a count");
            if (PROMISES.get(name) == Promise.EQUAL_HELD || PROMISES.get(name) == Promise.WEIGHTED_HELD) {
                // Lock-free, so racing repairs may briefly leave a stale node, but no server is
                // starved or flooded: held connections stay within 25 % of the 1000 per server.
                // (A broken variant that deferred re-seating gave 543 and 2963 here.)
                for (SchedServer x : servers) {
                    assertEquals(held / 10.0, x.load().active(), held / 10.0 * 0.25, name + " " + x.name());
                }
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    private static List<Integer> picks(Scheduler s, int n) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(s.pick(k));
        }
        return out;
    }

    private static List<Integer> sorted(List<Integer> l) {
        return l.stream().sorted().toList();
    }

    private static int[] counts(List<Integer> l, int n) {
        int[] c = new int[n];
        l.forEach(i -> c[i]++);
        return c;
    }

    private static int longestRun(List<Integer> l) {
        int best = 0;
        int run = 0;
        for (int k = 0; k < l.size(); k++) {
            run = k > 0 && l.get(k).equals(l.get(k - 1)) ? run + 1 : 1;
            best = Math.max(best, run);
        }
        return best;
    }
}
