package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.l4lb.core.config.GlobalConfig.Transport;
import io.l4lb.dataplane.proxy.epoll.EdgeEpollServerSocketChannel;
import io.l4lb.dataplane.proxy.epoll.EdgeEpollSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetAddress;
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

    @Test
    void epollRunsOnTheEdgeTriggeredChannelsUnlessNettysAreAskedFor() {
        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        InetAddress lo = InetAddress.getLoopbackAddress();
        ProxyTransport edge = ProxyTransport.of(Transport.EPOLL);
        closeUnregistered(assertInstanceOf(EdgeEpollSocketChannel.class, edge.newSocketChannel(lo)));
        closeUnregistered(assertInstanceOf(EdgeEpollServerSocketChannel.class,
                edge.serverChannelFactory(lo, false).newChannel()));
        System.setProperty(ProxyTransport.EPOLL_CHANNELS, "netty");
        try {
            ProxyTransport netty = ProxyTransport.of(Transport.EPOLL);
            closeUnregistered(assertInstanceOf(EpollSocketChannel.class, netty.newSocketChannel(lo)));
            closeUnregistered(assertInstanceOf(EpollServerSocketChannel.class,
                    netty.serverChannelFactory(lo, false).newChannel()));
        } finally {
            System.clearProperty(ProxyTransport.EPOLL_CHANNELS);
        }
    }

    private static void closeUnregistered(Channel ch) {
        ch.unsafe().closeForcibly();
    }
}
