package io.l4lb.bench.packet;

import static io.l4lb.dataplane.packet.fixtures.GoldenFrames.*;

import io.l4lb.core.time.NanoClock;
import io.l4lb.dataplane.packet.EngineConfig;
import io.l4lb.dataplane.packet.PacketEngine;
import io.l4lb.dataplane.packet.PacketPlane;
import io.l4lb.dataplane.packet.Verdict;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import io.l4lb.dataplane.packet.fixtures.GsoFrames;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Engine cost per packet through the in-memory packet I/O (the copy of each input frame into the
 * worker's frame buffer, as the kernel copies into a ring, is included), on the golden topology:
 * one invocation = one batch of 32 frames, the score is per frame. Cases:
 * <ul>
 *   <li>{@code drEstablished}: DR, PSH/ACK of one of 1024 established flows (table hit);</li>
 *   <li>{@code newFlowSyn}: DR, a SYN of a flow never seen (4096-flow table, so each SYN also
 *       evicts a half-open flow: the SYN-flood path);</li>
 *   <li>{@code tunnelEncap}: tunnel, 100-byte-payload segment of an established flow, IPIP encapsulated;</li>
 *   <li>{@code tunnelGso}: tunnel, a 64 KB GSO super-frame segmented into 45 IPIP packets (score per
 *       super-frame, the copy of 64 KB into the frame buffer included).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PacketEngineBenchmark {
    static final int BATCH = 32;
    static final int FLOWS = 1024;
    /** Segments per super-frame in {@code tunnelGso}: 45 x 1428 + 52 header bytes = 64,312, near the 64 KB GSO limit. */
    static final int GSO_SEGMENTS = 45;
    /** The segment size that fits MTU 1500 in IPIP with TCP timestamps: 1500 - 20 - 20 - 32. */
    static final int GSO_MSS = 1428;

    /** A worker over cycling in-memory I/O; tear-down fails the run if it forwarded nothing or dropped. */
    public abstract static class Case {
        Arena arena;
        InMemoryPacketIo io;
        PacketWorker worker;

        abstract Verdict expected();

        public PacketWorker worker() {
            return worker;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (worker.verdicts(expected()) == 0 || worker.verdicts(Verdict.DROP) > 0) {
                throw new IllegalStateException("forwarded " + worker.verdicts(expected()) + ", dropped "
                        + worker.verdicts(Verdict.DROP));
            }
            io.close();
            arena.close();
        }

        /** Plays the SYN + ACK of every flow to {@code port} so the measured packets hit established flows. */
        void establish(PacketEngine engine, int port) {
            List<byte[]> handshake = new ArrayList<>();
            for (int i = 0; i < FLOWS; i++) {
                handshake.add(tcpFrame(CLIENT + i, 20000 + i, VIP, port, SYN, 0));
                handshake.add(tcpFrame(CLIENT + i, 20000 + i, VIP, port, ACK, 0));
            }
            try (InMemoryPacketIo warm = InMemoryPacketIo.recording(handshake)) {
                PacketWorker w = new PacketWorker(engine, warm, arena, BATCH, 2048);
                w.drain(Long.MAX_VALUE);
                if (w.verdicts(Verdict.DROP) + w.verdicts(Verdict.PASS) != 0) {
                    throw new IllegalStateException("handshake not forwarded");
                }
            }
        }

        void start(PacketEngine engine, List<byte[]> frames) {
            start(engine, InMemoryPacketIo.cycling(frames, Long.MAX_VALUE), 2048);
        }

        void start(PacketEngine engine, InMemoryPacketIo in, int frameCapacity) {
            io = in;
            worker = new PacketWorker(engine, io, arena, BATCH, frameCapacity);
        }
    }

    @State(Scope.Thread)
    public static class DrEstablished extends Case {
        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofConfined();
            PacketEngine engine = GoldenFrames.plane(true).newWorker(NanoClock.SYSTEM);
            establish(engine, DR_PORT);
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < FLOWS; i++) {
                data.add(tcpFrame(CLIENT + i, 20000 + i, VIP, DR_PORT, PSH_ACK, 100));
            }
            start(engine, data);
        }

        @Override
        Verdict expected() {
            return Verdict.DR_FORWARD;
        }
    }

    @State(Scope.Thread)
    public static class TunnelEstablished extends Case {
        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofConfined();
            PacketEngine engine = GoldenFrames.plane(true).newWorker(NanoClock.SYSTEM);
            establish(engine, TUNNEL_PORT);
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < FLOWS; i++) {
                data.add(tcpFrame(CLIENT + i, 20000 + i, VIP, TUNNEL_PORT, PSH_ACK, 100));
            }
            start(engine, data);
        }

        @Override
        Verdict expected() {
            return Verdict.TUNNEL_FORWARD;
        }
    }

    /**
     * Tunnel, GSO: a 64 KB TCP super-frame (PACKET_VNET_HDR gso_size 1428, CHECKSUM_PARTIAL, as GRO
     * or a veth's TSO delivers it) of an established flow, cut into {@link #GSO_SEGMENTS} IPIP
     * segments, each with its full TCP checksum, each sent. Divide the score by GSO_SEGMENTS for
     * the cost per segment.
     */
    @State(Scope.Thread)
    public static class TunnelGso extends Case {
        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofConfined();
            PacketEngine engine = GoldenFrames.plane(true).newWorker(NanoClock.SYSTEM);
            GsoFrames g = GsoFrames.of(GSO_SEGMENTS * GSO_MSS, GSO_MSS);
            byte[] frame = g.partialFrame();
            start(engine, InMemoryPacketIo.cycling(List.of(frame), Long.MAX_VALUE)
                    .withOffload(GSO_MSS, g.tcpOffset(), 16), frame.length);
        }

        @Override
        Verdict expected() {
            return Verdict.TUNNEL_SEGMENTS;
        }
    }

    @State(Scope.Thread)
    public static class NewFlows extends Case {
        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofConfined();
            PacketPlane plane = GoldenFrames.plane(EngineConfig.of(LB_MAC, LB_IP).withMaxFlowsPerWorker(4096), true);
            List<byte[]> syns = new ArrayList<>();
            for (int i = 0; i < 65536; i++) {
                syns.add(tcpFrame(CLIENT + (i >>> 10), 1024 + (i & 1023), VIP, DR_PORT, SYN, 0));
            }
            start(plane.newWorker(NanoClock.SYSTEM), syns);
        }

        @Override
        Verdict expected() {
            return Verdict.DR_FORWARD;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int drEstablished(DrEstablished c) {
        return c.worker.pollOnce();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int newFlowSyn(NewFlows c) {
        return c.worker.pollOnce();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int tunnelEncap(TunnelEstablished c) {
        return c.worker.pollOnce();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int tunnelGso(TunnelGso c) {
        return c.worker.pollOnce();
    }
}
