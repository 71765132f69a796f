package io.l4lb.bench.sched;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.IntSupplier;

/**
 * Companion of the JMH suites for shared machines: runs the same benchmark methods but divides
 * the benchmark thread's CPU time (not wall time) by the op count, so time spent descheduled while
 * other jobs hold the cores is not counted. Reports the best of several batches after warm-up.
 * One configuration per JVM (run-jmh.sh --cpu loops over them), so the JIT profile stays clean,
 * as with JMH forks.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.l4lb.bench.sched.CpuTimeBench pick|churn|maglev|wrr
 * SCHEDULER SERVERS}
 */
public final class CpuTimeBench {
    private CpuTimeBench() {
    }

    public static void main(String[] args) {
        String kind = args[0];
        String scheduler = args[1];
        int servers = Integer.parseInt(args[2]);
        IntSupplier op;
        long batch;
        String unit;
        switch (kind) {
            case "pick" -> {
                SchedulerPickBenchmark b = new SchedulerPickBenchmark();
                b.scheduler = scheduler;
                b.servers = servers;
                b.setUp();
                op = b::pick;
                batch = 20_000_000;
                unit = "ns/op";
            }
            case "churn" -> {
                LeastLoadChurnBenchmark b = new LeastLoadChurnBenchmark();
                b.scheduler = scheduler;
                b.servers = servers;
                b.setUp();
                op = b::pickOpenClose;
                batch = 5_000_000;
                unit = "ns/op";
            }
            case "maglev", "wrr" -> {
                MaglevBuildBenchmark b = new MaglevBuildBenchmark();
                b.servers = servers;
                b.setUp();
                op = kind.equals("maglev") ? () -> b.maglevTable().pick(1) : () -> b.wrrCycle().cycleLength();
                batch = servers >= 10_000 ? 5 : 50;
                unit = "ms/op";
            }
            default -> throw new IllegalArgumentException("kind: pick|churn|maglev|wrr");
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 8; round++) { // rounds 0-2 warm up, 3-7 measure
            long t0 = mx.getCurrentThreadCpuTime();
            for (long k = 0; k < batch; k++) {
                sink += op.getAsInt();
            }
            double perOp = (double) (mx.getCurrentThreadCpuTime() - t0) / batch;
            if (round >= 3) {
                best = Math.min(best, perOp);
            }
        }
        double value = unit.equals("ms/op") ? best / 1e6 : best;
        System.out.printf("%s %s %d %.3f %s (sink %d)%n", kind, scheduler, servers, value, unit, sink & 1);
    }
}
