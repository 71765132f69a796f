package io.l4lb.dataplane.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * poll(2) over a fixed set of file descriptors, in a preallocated {@code struct pollfd} array
 * (int fd; short events; short revents), so waiting allocates nothing. One thread only.
 */
public final class Poller implements AutoCloseable {
    private static final int POLLFD_SIZE = 8;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment fds;
    private final int count;

    public Poller(int... fileDescriptors) {
        this.count = fileDescriptors.length;
        this.fds = arena.allocate((long) POLLFD_SIZE * count, 8);
        for (int i = 0; i < count; i++) {
            fds.set(ValueLayout.JAVA_INT, (long) i * POLLFD_SIZE, fileDescriptors[i]);
            fds.set(ValueLayout.JAVA_SHORT, (long) i * POLLFD_SIZE + 4, (short) LinuxNet.POLLIN);
        }
    }

    /** Waits up to {@code timeoutMillis} (-1: forever): number of ready fds, 0 on timeout, -1 on EINTR. */
    public int await(int timeoutMillis) {
        for (int i = 0; i < count; i++) {
            fds.set(ValueLayout.JAVA_SHORT, (long) i * POLLFD_SIZE + 6, (short) 0);
        }
        return Libc.pollFast(fds, count, timeoutMillis);
    }

    /** Whether the {@code index}-th fd became readable (or errored) in the last {@link #await}. */
    public boolean ready(int index) {
        return fds.get(ValueLayout.JAVA_SHORT, (long) index * POLLFD_SIZE + 6) != 0;
    }

    @Override
    public void close() {
        arena.close();
    }
}
