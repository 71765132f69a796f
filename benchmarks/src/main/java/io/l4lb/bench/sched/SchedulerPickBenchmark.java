package io.l4lb.bench.sched;

import io.l4lb.core.sched.SchedServer;
import io.l4lb.core.sched.Scheduler;
import io.l4lb.core.sched.SchedulerRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code pick()} of every registered scheduler, without load changes (the least-load
 * schedulers still stamp and re-seat the winner for tie rotation, so their pick is O(log n)).
 * Flow hashes vary per call (golden-ratio steps) so sh/mh read scattered table entries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SchedulerPickBenchmark {
    @Param({"rr", "wrr", "static-rr", "lc", "wlc", "sed", "nq", "sh", "mh", "first"})
    public String scheduler;

    @Param({"2", "100", "10000"})
    public int servers;

    private Scheduler sched;
    private int hash;

    @Setup(Level.Trial)
    public void setUp() {
        List<SchedServer> list = BenchServers.mixed(servers);
        sched = SchedulerRegistry.factory(scheduler).create(list);
        if (sched.pick(1) < 0) {
            throw new IllegalStateException(scheduler + " picks nothing");
        }
    }

    @Benchmark
    public int pick() {
        hash += 0x9E3779B9;
        return sched.pick(hash);
    }
}
