package io.l4lb.bench.packet;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Companion to {@link PacketEngineBenchmark} for a shared, overloaded machine: the same cases,
 * timed with the thread's CPU time instead of wall-clock time, so time spent descheduled (load
 * average far above the core count) is not charged to the engine. Cache pollution by the other
 * tenants still is. Run: {@code java -cp benchmarks.jar io.l4lb.bench.packet.PacketCpuTimeProbe [rounds]}.
 */
public final class PacketCpuTimeProbe {
    private static final int PACKETS_PER_ROUND = 2_000_000;

    private PacketCpuTimeProbe() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        PacketEngineBenchmark.Case[] cases = {new PacketEngineBenchmark.DrEstablished(),
            new PacketEngineBenchmark.NewFlows(), new PacketEngineBenchmark.TunnelEstablished(),
            new PacketEngineBenchmark.TunnelGso()};
        String[] names = {"drEstablished", "newFlowSyn", "tunnelEncap", "tunnelGso"};
        // a super-frame is 45 segments and a 64 KB copy: fewer of them per round
        int[] perRound = {PACKETS_PER_ROUND, PACKETS_PER_ROUND, PACKETS_PER_ROUND, PACKETS_PER_ROUND / 40};
        ((PacketEngineBenchmark.DrEstablished) cases[0]).setUp();
        ((PacketEngineBenchmark.NewFlows) cases[1]).setUp();
        ((PacketEngineBenchmark.TunnelEstablished) cases[2]).setUp();
        ((PacketEngineBenchmark.TunnelGso) cases[3]).setUp();
        for (int c = 0; c < cases.length; c++) {
            PacketEngineBenchmark.Case k = cases[c];
            double[] ns = new double[rounds];
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                long cpu0 = mx.getCurrentThreadCpuTime();
                long n = 0;
                while (n < perRound[c]) {
                    n += k.worker.pollOnce();
                }
                long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                if (r >= 0) {
                    ns[r] = (double) cpu / n;
                }
            }
            Arrays.sort(ns);
            System.out.printf("%-14s cpu ns/packet: min %.1f  median %.1f  max %.1f  (%d rounds x %d packets)%n",
                    names[c], ns[0], ns[rounds / 2], ns[rounds - 1], rounds, perRound[c]);
            if (k instanceof PacketEngineBenchmark.TunnelGso) {
                int segs = PacketEngineBenchmark.GSO_SEGMENTS;
                System.out.printf("%-14s cpu ns/segment: min %.1f  median %.1f  max %.1f  (%d segments per super-frame)%n",
                        names[c], ns[0] / segs, ns[rounds / 2] / segs, ns[rounds - 1] / segs, segs);
            }
            k.tearDown();
        }
    }
}
