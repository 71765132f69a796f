package io.l4lb.dataplane.packet.io;

import io.l4lb.dataplane.packet.Frame;
import io.l4lb.dataplane.packet.Verdict;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Packet I/O in memory: received frames come from a list of input frames (played once, or cycled
 * for a given number of frames), sent frames are recorded (tests) or only counted and folded into
 * a checksum (benchmarks: the output is consumed, so the JIT cannot drop the work, and nothing is
 * allocated). Like the kernel writing into a ring, {@link #receive} copies each input into the
 * worker's frame buffer.
 */
public final class InMemoryPacketIo implements PacketIo {
    /** One sent frame as recorded. */
    public record Sent(Frame.Kind kind, byte[] bytes) {
    }

    private final MemorySegment[] inputs;
    private final long limit;
    private final boolean record;
    private final List<Sent> sent = new ArrayList<>();
    private final Arena arena = Arena.ofConfined();
    private long received;
    private int next;
    private long sentCount;
    private long sentBytes;
    private long digest;
    private int gsoSize;
    private int csumStart = -1;
    private int csumOffset;

    private InMemoryPacketIo(List<byte[]> frames, long limit, boolean record) {
        this.inputs = new MemorySegment[frames.size()];
        for (int i = 0; i < inputs.length; i++) {
            byte[] b = frames.get(i);
            inputs[i] = arena.allocate(b.length, 8);
            MemorySegment.copy(b, 0, inputs[i], ValueLayout.JAVA_BYTE, 0, b.length);
        }
        this.limit = limit;
        this.record = record;
    }

    /** Plays every frame once and records what is sent. */
    public static InMemoryPacketIo recording(List<byte[]> frames) {
        return new InMemoryPacketIo(frames, frames.size(), true);
    }

    /** Cycles through the frames for {@code total} receptions (Long.MAX_VALUE: forever); counts sends only. */
    public static InMemoryPacketIo cycling(List<byte[]> frames, long total) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to play");
        }
        return new InMemoryPacketIo(frames, total, false);
    }

    /**
     * Every frame played from now on arrives as PACKET_VNET_HDR would describe a GSO super-frame:
     * {@code gsoSize} (0: none) and, unless {@code csumStart} is -1, checksum offload of the field at
     * {@code csumStart + csumOffset} (offsets from the frame start).
     */
    public InMemoryPacketIo withOffload(int gsoSize, int csumStart, int csumOffset) {
        this.gsoSize = gsoSize;
        this.csumStart = csumStart;
        this.csumOffset = csumOffset;
        return this;
    }

    @Override
    public int receive(Frame[] frames) {
        int n = 0;
        while (n < frames.length && received < limit) {
            MemorySegment in = inputs[next];
            if (++next == inputs.length) {
                next = 0;
            }
            Frame f = frames[n++];
            int len = (int) in.byteSize();
            if (Frame.HEADROOM + len > f.segment().byteSize()) {
                throw new IllegalStateException("frame buffer too small for an input of " + len + " bytes");
            }
            MemorySegment.copy(in, 0, f.segment(), Frame.HEADROOM, len);
            f.reset(Frame.HEADROOM, len, gsoSize);
            if (csumStart >= 0) {
                f.checksumOffload(csumStart, csumOffset);
            }
            received++;
        }
        return n;
    }

    @Override
    public void send(Frame frame, Verdict verdict) {
        sentCount++;
        sentBytes += frame.length();
        digest = digest * 31 + frame.segment().get(ValueLayout.JAVA_BYTE, frame.start() + frame.length() - 1);
        if (record) {
            sent.add(new Sent(frame.kind(), frame.toBytes()));
        }
    }

    public List<Sent> sent() {
        return List.copyOf(sent);
    }

    public long received() {
        return received;
    }

    public long sentCount() {
        return sentCount;
    }

    public long sentBytes() {
        return sentBytes;
    }

    /** Folds the last byte of every sent frame: consumed by benchmarks. */
    public long digest() {
        return digest;
    }

    @Override
    public void close() {
        arena.close();
    }
}
