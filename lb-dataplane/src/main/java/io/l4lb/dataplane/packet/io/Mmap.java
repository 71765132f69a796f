package io.l4lb.dataplane.packet.io;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * mmap(2)/munmap(2) for the TPACKET_V3 ring: the one pair of calls the shared native layer
 * ({@code io.l4lb.dataplane.nativeio}) does not bind yet.
 */
final class Mmap {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("mmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("munmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    static final int PROT_READ_WRITE = 0x3;
    static final int MAP_SHARED = 0x1;

    private Mmap() {
    }

    /** Maps {@code len} bytes of {@code fd} shared; throws when the kernel refuses. */
    static MemorySegment map(int fd, long len) {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, len, PROT_READ_WRITE, MAP_SHARED, fd, 0L);
            if (p.address() == -1L || p.address() == 0L) {
                throw new IllegalStateException("mmap of the packet ring failed");
            }
            return p.reinterpret(len);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void unmap(MemorySegment s) {
        try {
            int r = (int) MUNMAP.invokeExact(s, s.byteSize());
            if (r != 0) {
                throw new IllegalStateException("munmap failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
