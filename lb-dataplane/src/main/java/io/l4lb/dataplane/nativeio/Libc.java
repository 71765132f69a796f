package io.l4lb.dataplane.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls the native layer needs, bound through {@code java.lang.foreign} (no JNI).
 *
 * <p>Every call returns its result when it succeeds and {@code -errno} when it fails, so hot loops
 * (recvfrom on a non-blocking socket returning EAGAIN) neither throw nor allocate. {@link #check}
 * turns a negative result into a {@link NativeIoException} for control-plane code. errno is read
 * through {@link Linker.Option#captureCallState}, into a per-thread segment allocated once.
 *
 * <p>The {@code *Fast} variants skip the errno capture, which allocates 40 bytes per call on JDK 25
 * (measured): they return -1 on failure and suit loops that must not allocate.
 *
 * <p>Threading: all methods are safe from any thread.
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CAPTURE_SEGMENT =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE));

    private static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = errnoCall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO = errnoCall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = errnoCall("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle POLL = errnoCall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVENTFD = errnoCall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = errnoCall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = errnoCall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // The same calls without errno capture: on JDK 25 captureCallState costs a 40-byte allocation
    // per call, too much for loops that must not allocate. They return -1 on failure.
    private static final MethodHandle SENDTO_FAST = plainCall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM_FAST = plainCall("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle POLL_FAST = plainCall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle READ_FAST = plainCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE_FAST = plainCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle ERRNO_LOCATION = plainCall("__errno_location", FunctionDescriptor.of(ADDRESS));
    // ioctl(int, unsigned long, ...): the third argument is variadic in the C prototype.
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));

    private Libc() {
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle plainCall(String name, FunctionDescriptor fd) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd);
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static int intResult(int r, MemorySegment capture) {
        return r >= 0 ? r : -errno(capture);
    }

    private static long longResult(long r, MemorySegment capture) {
        return r >= 0 ? r : -errno(capture);
    }

    /** Throws when {@code result} is a negative errno, else returns it. */
    public static int check(String call, int result) throws NativeIoException {
        if (result < 0) {
            throw new NativeIoException(call, -result);
        }
        return result;
    }

    public static long check(String call, long result) throws NativeIoException {
        if (result < 0) {
            throw new NativeIoException(call, (int) -result);
        }
        return result;
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return intResult((int) SOCKET.invokeExact(c, domain, type, protocol), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int addrLen) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return intResult((int) BIND.invokeExact(c, fd, addr, addrLen), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return intResult((int) SETSOCKOPT.invokeExact(c, fd, level, name, value, len), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return longResult((long) SENDTO.invokeExact(c, fd, buf, len, flags, addr, addrLen), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code addr}/{@code addrLen} may be {@link MemorySegment#NULL}. */
    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return longResult((long) RECVFROM.invokeExact(c, fd, buf, len, flags, addr, addrLen), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return intResult((int) POLL.invokeExact(c, fds, nfds, timeoutMillis), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(int fd) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return intResult((int) CLOSE.invokeExact(c, fd), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long len) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return longResult((long) READ.invokeExact(c, fd, buf, len), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long len) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return longResult((long) WRITE.invokeExact(c, fd, buf, len), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd(int initval, int flags) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return intResult((int) EVENTFD.invokeExact(c, initval, flags), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try {
            return intResult((int) IOCTL.invokeExact(c, fd, request, arg), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendto(2) without errno capture (allocation-free): bytes sent, or -1. */
    public static long sendtoFast(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try {
            return (long) SENDTO_FAST.invokeExact(fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** recvfrom(2) without errno capture (allocation-free): bytes received, or -1 (e.g. EAGAIN). */
    public static long recvfromFast(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen) {
        try {
            return (long) RECVFROM_FAST.invokeExact(fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** poll(2) without errno capture (allocation-free): ready count, 0 on timeout, -1 on error (EINTR). */
    public static int pollFast(MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL_FAST.invokeExact(fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long readFast(int fd, MemorySegment buf, long len) {
        try {
            return (long) READ_FAST.invokeExact(fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long writeFast(int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE_FAST.invokeExact(fd, buf, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * errno as it is now, read through {@code __errno_location()}: best effort after a
     * {@code *Fast} call (the JVM may run code in between); for log messages, not for decisions.
     */
    public static int lastErrno() {
        try {
            MemorySegment p = (MemorySegment) ERRNO_LOCATION.invokeExact();
            return p.reinterpret(4).get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** open(2) of a device file (no O_CREAT, so no mode): the fd, or {@code -errno}. */
    public static int open(String path, int flags) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try (Arena arena = Arena.ofConfined()) {
            return intResult((int) OPEN.invokeExact(c, arena.allocateFrom(path), flags), c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** if_nametoindex(3): the index, or {@code -errno} (ENODEV) when there is no such interface. */
    public static int ifNameToIndex(String name) {
        MemorySegment c = CAPTURE_SEGMENT.get();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) IF_NAMETOINDEX.invokeExact(c, arena.allocateFrom(name));
            return r > 0 ? r : -Math.max(errno(c), 1);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
