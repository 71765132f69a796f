package io.l4lb.dataplane.nativeio;

import java.io.IOException;

/** A failed libc call: carries the call name and the errno the kernel returned. */
public final class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public NativeIoException(String call, int errno) {
        super(call + " failed: errno " + errno + " (" + Errno.name(errno) + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
