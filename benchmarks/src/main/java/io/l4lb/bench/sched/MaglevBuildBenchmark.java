package io.l4lb.bench.sched;

import io.l4lb.core.sched.Maglev;
import io.l4lb.core.sched.SchedServer;
import io.l4lb.core.sched.WeightedRoundRobin;
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
 * Control-plane cost of a new snapshot: the Maglev lookup table (the target: <= 10 ms at
 * 1,000 servers) and, for comparison, the smooth weighted round-robin cycle.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MaglevBuildBenchmark {
    @Param({"100", "1000", "10000"})
    public int servers;

    private List<SchedServer> list;

    @Setup(Level.Trial)
    public void setUp() {
        list = BenchServers.mixed(servers);
    }

    @Benchmark
    public Maglev maglevTable() {
        return new Maglev(list);
    }

    @Benchmark
    public WeightedRoundRobin wrrCycle() {
        return new WeightedRoundRobin(list, 0);
    }
}
