package io.l4lb.dataplane.packet.io;

import io.l4lb.dataplane.packet.Frame;
import io.l4lb.dataplane.packet.PacketEngine;
import io.l4lb.dataplane.packet.Verdict;
import io.l4lb.core.time.NanoClock;
import java.lang.foreign.Arena;

/**
 * One packet worker: receive a batch, run the engine over each frame, send what must be sent,
 * then let the connection table expire a few idle flows. With AF_PACKET there is one worker per
 * PACKET_FANOUT member socket, each on its own thread; a worker and its engine, frames and I/O are
 * confined to that thread.
 */
public final class PacketWorker {
    /** Slots of the connection table examined for expiry per batch, per received frame. */
    private static final int EXPIRE_PER_FRAME = 2;

    private final PacketEngine engine;
    private final PacketIo io;
    private final Frame[] frames;
    private final NanoClock clock;
    private final long[] verdicts = new long[Verdict.values().length];

    public PacketWorker(PacketEngine engine, PacketIo io, Arena arena, int batchSize, int frameCapacity) {
        this(engine, io, arena, batchSize, frameCapacity, NanoClock.SYSTEM);
    }

    /** {@code clock}: read once per batch (the engine's flow timers use it). */
    public PacketWorker(PacketEngine engine, PacketIo io, Arena arena, int batchSize, int frameCapacity,
                        NanoClock clock) {
        this.clock = clock;
        this.engine = engine;
        this.io = io;
        this.frames = new Frame[batchSize];
        for (int i = 0; i < batchSize; i++) {
            frames[i] = Frame.allocate(arena, frameCapacity);
        }
    }

    /** Handles one batch; returns how many frames it received. */
    public int pollOnce() {
        int n = io.receive(frames);
        long now = clock.nanoTime();
        for (int i = 0; i < n; i++) {
            Frame f = frames[i];
            Verdict v = engine.process(f, now);
            verdicts[v.ordinal()]++;
            if (v == Verdict.DR_FORWARD || v == Verdict.TUNNEL_FORWARD || v == Verdict.REPLY) {
                io.send(f, v);
            } else if (v == Verdict.TUNNEL_SEGMENTS) {
                sendSegments(f);
            }
        }
        engine.flushCounters();
        engine.expireDue(EXPIRE_PER_FRAME * n + 8, now);
        return n;
    }

    /**
     * A GSO super-frame cut into segments: each send completes (copies the frame) before the next
     * segment overwrites its tail. Out of the loop above so that loop stays small for the JIT.
     */
    private void sendSegments(Frame f) {
        do {
            io.send(f, Verdict.TUNNEL_FORWARD);
        } while (engine.nextSegment(f));
    }

    /** Runs batches until the I/O has nothing more or {@code maxBatches} ran; returns frames handled. */
    public long drain(long maxBatches) {
        long total = 0;
        for (long b = 0; b < maxBatches; b++) {
            int n = pollOnce();
            if (n == 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Frames that got verdict {@code v} on this worker. */
    public long verdicts(Verdict v) {
        return verdicts[v.ordinal()];
    }

    public PacketEngine engine() {
        return engine;
    }
}
