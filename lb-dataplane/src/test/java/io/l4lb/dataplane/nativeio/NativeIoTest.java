package io.l4lb.dataplane.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The FFM bindings against the real kernel, on loopback only. */
class NativeIoTest {
    @Test
    void interfaceLookupsOnLoopback() throws Exception {
        assertEquals(1, NetInterfaces.index("lo"));
        assertEquals(Ipv4.parse("127.0.0.1"), NetInterfaces.primaryIpv4("lo"));
        assertArrayEquals(new byte[6], NetInterfaces.macAddress("lo"));
    }

    @Test
    void errnoIsCaptured() {
        assertEquals(-Errno.ENODEV, Libc.ifNameToIndex("nosuchif0"));
        NativeIoException e = assertThrows(NativeIoException.class, () -> NetInterfaces.index("nosuchif0"));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("ENODEV"), e.getMessage());
        assertEquals(-Errno.EBADF, Libc.close(-1));
        assertThrows(NativeIoException.class, () -> NetInterfaces.macAddress("nosuchif0"));
    }

    @Test
    void ipv4Parsing() {
        assertEquals(0x0A000001, Ipv4.parse("10.0.0.1"));
        assertEquals("224.0.0.18", Ipv4.toString(0xE0000012));
        assertEquals(new Ipv4.Prefix(Ipv4.parse("192.0.2.10"), 24), Ipv4.Prefix.parse("192.0.2.10/24"));
        assertEquals(32, Ipv4.Prefix.parse("192.0.2.10").length());
        for (String bad : new String[] {"1.2.3", "1.2.3.256", "a.b.c.d", "1..2.3", "1.2.3.4.5"}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Ipv4.Prefix.parse("1.2.3.4/33"));
    }

    /** A raw protocol-253 (experimental, RFC 3692) packet over loopback, sent and received through FFM. */
    @Test
    void rawSocketRoundTripOnLoopbackWithPoll() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "raw sockets need root (CAP_NET_RAW)");
        try (RawIpSocket rx = RawIpSocket.open(253); RawIpSocket tx = RawIpSocket.open(253);
             EventFd wake = new EventFd(); Poller poller = new Poller(rx.fd(), wake.fd()); Arena a = Arena.ofConfined()) {
            rx.bindToDevice("lo");
            tx.setTtl(255);
            MemorySegment buf = a.allocate(256);
            assertEquals(-1, rx.receive(buf), "nothing queued yet");
            assertEquals(Errno.EAGAIN, Libc.lastErrno());
            byte[] payload = "l4lb-ffm-raw".getBytes();
            MemorySegment out = a.allocate(payload.length);
            MemorySegment.copy(payload, 0, out, ValueLayout.JAVA_BYTE, 0, payload.length);
            assertEquals(payload.length, tx.sendTo(out, payload.length, Ipv4.parse("127.0.0.1")));
            assertEquals(1, poller.await(5000));
            assertTrue(poller.ready(0));
            long n = rx.receive(buf);
            assertEquals(20 + payload.length, n, "IP header + payload");
            assertEquals(255, buf.get(ValueLayout.JAVA_BYTE, 8) & 0xFF, "TTL as set");
            assertEquals(253, buf.get(ValueLayout.JAVA_BYTE, 9) & 0xFF);
            assertArrayEquals(payload, buf.asSlice(20, payload.length).toArray(ValueLayout.JAVA_BYTE));
            wake.signal();
            assertEquals(1, poller.await(5000));
            assertTrue(poller.ready(1));
            wake.drain();
            assertEquals(0, poller.await(0));
        }
    }
}
