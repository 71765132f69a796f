package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.l4lb.core.config.GlobalConfig.Transport;
import org.junit.jupiter.api.Test;

/** Which transport runs when the requested one cannot load (l4lb-transport, ProxyTransport.of). */
class ProxyTransportChoiceTest {
    @Test
    void defaultIsEpoll() {
        assertEquals(Transport.EPOLL, ProxyTransport.choose(null, true, true));
    }

    @Test
    void requestedTransportRunsWhenItLoads() {
        assertEquals(Transport.IO_URING, ProxyTransport.choose(Transport.IO_URING, true, true));
        assertEquals(Transport.NIO, ProxyTransport.choose(Transport.NIO, true, true));
    }

    @Test
    void ioUringBlockedFallsBackToEpollThenNio() {
        assertEquals(Transport.EPOLL, ProxyTransport.choose(Transport.IO_URING, true, false));
        assertEquals(Transport.NIO, ProxyTransport.choose(Transport.IO_URING, false, false));
    }

    @Test
    void epollMissingFallsBackToNio() {
        assertEquals(Transport.NIO, ProxyTransport.choose(Transport.EPOLL, false, true));
        assertEquals(Transport.NIO, ProxyTransport.choose(null, false, false));
    }
}
