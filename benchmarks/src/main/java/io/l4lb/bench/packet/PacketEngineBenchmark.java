package io.l4lb.bench.packet;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;

import io.l4lb.core.time.NanoClock;
import io.l4lb.dataplane.packet.EngineConfig;
import io.l4lb.dataplane.packet.PacketEngine;
import io.l4lb.dataplane.packet.PacketPlane;
import io.l4lb.dataplane.packet.Verdict;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import io.l4lb.dataplane.packet.io.InMemoryPacketIo;
import io.l4lb.dataplane.packet.io.PacketWorker;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Engine cost per packet through the in-memory packet I/O (the copy of each input frame into the
 * worker's frame buffer, as the kernel copies into a ring, is included), on the golden topology:
 * one invocation = one batch of {@value #BATCH} frames. Cases:
 * <ul>
 *   <li>{@code drEstablished}: DR, PSH/ACK of one of {@code flows} established flows (table hit);</li>
 *   <li>{@code newFlowSyn}: DR, a SYN of a flow never seen (4096-flow table, so each SYN also
 *       evicts a half-open flow: the SYN-flood path);</li>
 *   <li>{@code tunnelEncap}: tunnel, 100-byte-payload segment of an established flow, IPIP encapsulated.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PacketEngineBenchmark {
    static final int BATCH = 32;

    @Param({"1024"})
    int flows;

    private Arena arena;
    private InMemoryPacketIo dr;
    private InMemoryPacketIo syn;
    private InMemoryPacketIo tunnel;
    private PacketWorker drWorker;
    private PacketWorker synWorker;
    private PacketWorker tunnelWorker;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        PacketPlane plane = GoldenFrames.plane(true);
        PacketEngine engine = plane.newWorker(NanoClock.SYSTEM);
        List<byte[]> handshake = new ArrayList<>();
        List<byte[]> drData = new ArrayList<>();
        List<byte[]> tunData = new ArrayList<>();
        for (int i = 0; i < flows; i++) {
            int client = CLIENT + i;
            handshake.add(tcpFrame(client, 20000 + i, VIP, DR_PORT, SYN, 0));
            handshake.add(tcpFrame(client, 20000 + i, VIP, DR_PORT, ACK, 0));
            handshake.add(tcpFrame(client, 20000 + i, VIP, TUNNEL_PORT, SYN, 0));
            handshake.add(tcpFrame(client, 20000 + i, VIP, TUNNEL_PORT, ACK, 0));
            drData.add(tcpFrame(client, 20000 + i, VIP, DR_PORT, PSH_ACK, 100));
            tunData.add(tcpFrame(client, 20000 + i, VIP, TUNNEL_PORT, PSH_ACK, 100));
        }
        try (InMemoryPacketIo warm = InMemoryPacketIo.recording(handshake)) {
            PacketWorker w = new PacketWorker(engine, warm, arena, BATCH, 2048);
            w.drain(Long.MAX_VALUE);
            if (w.verdicts(Verdict.DR_FORWARD) != 2L * flows || w.verdicts(Verdict.TUNNEL_FORWARD) != 2L * flows) {
                throw new IllegalStateException("handshake not forwarded");
            }
        }
        dr = InMemoryPacketIo.cycling(drData, Long.MAX_VALUE);
        drWorker = new PacketWorker(engine, dr, arena, BATCH, 2048);
        tunnel = InMemoryPacketIo.cycling(tunData, Long.MAX_VALUE);
        tunnelWorker = new PacketWorker(engine, tunnel, arena, BATCH, 2048);

        PacketPlane synPlane = GoldenFrames.plane(EngineConfig.of(LB_MAC, LB_IP).withMaxFlowsPerWorker(4096), true);
        List<byte[]> syns = new ArrayList<>();
        for (int i = 0; i < 65536; i++) {
            syns.add(tcpFrame(CLIENT + (i >>> 10), 1024 + (i & 1023), VIP, DR_PORT, SYN, 0));
        }
        syn = InMemoryPacketIo.cycling(syns, Long.MAX_VALUE);
        synWorker = new PacketWorker(synPlane.newWorker(NanoClock.SYSTEM), syn, arena, BATCH, 2048);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (drWorker.verdicts(Verdict.DR_FORWARD) == 0 || tunnelWorker.verdicts(Verdict.TUNNEL_FORWARD) == 0
                || synWorker.verdicts(Verdict.DR_FORWARD) == 0) {
            throw new IllegalStateException("a benchmark forwarded nothing");
        }
        if (drWorker.verdicts(Verdict.DROP) + tunnelWorker.verdicts(Verdict.DROP) + synWorker.verdicts(Verdict.DROP) > 0) {
            throw new IllegalStateException("drops during the benchmark");
        }
        dr.close();
        tunnel.close();
        syn.close();
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int drEstablished() {
        return drWorker.pollOnce();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int newFlowSyn() {
        return synWorker.pollOnce();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int tunnelEncap() {
        return tunnelWorker.pollOnce();
    }
}
