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
 * The least-load schedulers as the dataplane drives them: one op = pick a server, open a
 * connection to it (active + 1, {@code loadChanged}), and close the oldest of the connections
 * still open (active - 1, {@code loadChanged}) once 4 per server are open. So every op costs a
 * pick and two load updates of the tournament tree, in steady state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LeastLoadChurnBenchmark {
    @Param({"lc", "wlc", "sed", "nq", "first"})
    public String scheduler;

    @Param({"2", "100", "10000"})
    public int servers;

    private List<SchedServer> list;
    private Scheduler sched;
    private int[] open;
    private int head;
    private int count;
    private int hash;

    @Setup(Level.Trial)
    public void setUp() {
        list = BenchServers.mixed(servers);
        sched = SchedulerRegistry.factory(scheduler).create(list);
        open = new int[servers * 4];
    }

    @Benchmark
    public int pickOpenClose() {
        hash += 0x9E3779B9;
        int i = sched.pick(hash);
        list.get(i).load().addActive(1);
        sched.loadChanged(i);
        int slot = head + count;
        if (count == open.length) {
            int oldest = open[head];
            list.get(oldest).load().addActive(-1);
            sched.loadChanged(oldest);
            head = head + 1 == open.length ? 0 : head + 1;
            slot = head + count - 1;
        } else {
            count++;
        }
        open[slot >= open.length ? slot - open.length : slot] = i;
        return i;
    }
}
