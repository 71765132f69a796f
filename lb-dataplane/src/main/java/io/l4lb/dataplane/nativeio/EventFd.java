package io.l4lb.dataplane.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** eventfd(2): lets another thread wake a thread blocked in {@link Poller#await}. */
public final class EventFd implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment wakeValue = arena.allocate(8, 8);
    private final MemorySegment drainValue = arena.allocate(8, 8);
    private final int fd;
    private volatile boolean closed;

    public EventFd() throws NativeIoException {
        fd = Libc.check("eventfd", Libc.eventfd(0, LinuxNet.EFD_NONBLOCK | LinuxNet.EFD_CLOEXEC));
        wakeValue.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    public int fd() {
        return fd;
    }

    /** Makes the fd readable; safe from any thread. */
    public synchronized void signal() {
        if (!closed) {
            Libc.writeFast(fd, wakeValue, 8);
        }
    }

    /** Resets the counter; called by the polling thread. */
    public void drain() {
        Libc.readFast(fd, drainValue, 8);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
            arena.close();
        }
    }
}
