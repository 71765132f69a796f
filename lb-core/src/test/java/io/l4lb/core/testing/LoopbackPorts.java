package io.l4lb.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for tests that must write a port into a config before anything binds it. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** A port free on the loopback address right now (the kernel's pick; free until someone binds it). */
    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
