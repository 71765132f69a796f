package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.AclConfig;
import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.BackendRule;
import io.l4lb.core.config.Condition;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.SourcePos;
import io.l4lb.core.config.TcpRequestRule;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.core.time.NanoClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client-side handler on an EmbeddedChannel: paths that end before any server is contacted. */
@ExtendWith(NettyLeakExtension.class)
class ClientSideHandlerTest {

    private static FrontendRuntime frontend(List<TcpRequestRule> rules, Duration inspect, boolean sniRoute) {
        ServerRuntime down = new ServerRuntime(ServerConfig.of("s", "127.0.0.1", 1)
                .withOptions(ServerConfig.ServerOptions.DEFAULTS.withDisabled(true)), new InetSocketAddress("127.0.0.1", 1));
        BackendRuntime be = new BackendRuntime(BackendConfig.of("be", "rr", List.of(down.config())), List.of(down));
        BackendContext ctx = new BackendContext(be, NanoClock.SYSTEM);
        List<BackendRule> routes = sniRoute ? List.of(new BackendRule("be", new Condition(false, List.of(List.of(
                new Condition.Term(false, null, new AclConfig(null, "req.ssl_sni", List.of(), List.of("x"),
                        SourcePos.NONE)))), SourcePos.NONE), SourcePos.NONE)) : List.of();
        FrontendConfig fc = ProxyFixture.frontend("be").withRules(List.of(), rules, inspect, routes);
        return new FrontendRuntime(fc, new FrontendCounters(), Map.of("be", new BackendSlot(ctx)), new ConnectionLimiter(0),
                ProxyTransport.of(GlobalConfig.Transport.NIO), PassiveObservationSink.NONE, NanoClock.SYSTEM);
    }

    private static Condition always() {
        return new Condition(false, List.of(List.of(new Condition.Term(false, null,
                new AclConfig(null, "always_true", List.of(), List.of(), SourcePos.NONE)))), SourcePos.NONE);
    }

    private static ByteBuf bytes(String s) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer();
        b.writeBytes(s.getBytes());
        return b;
    }

    @Test
    void connectionRejectClosesAtOnceAndCounts() {
        FrontendRuntime fe = frontend(List.of(new TcpRequestRule(TcpRequestRule.Phase.CONNECTION,
                TcpRequestRule.Action.REJECT, always(), SourcePos.NONE)), Duration.ZERO, false);
        EmbeddedChannel ch = new EmbeddedChannel(new ClientSideHandler(fe));
        assertFalse(ch.isOpen());
        assertEquals(1, fe.counters.denied.sum());
        assertEquals(0, fe.counters.connectionsActive.get());
        assertFalse(ch.finish());
    }

    @Test
    void noUsableServerClosesAndCountsAnError() {
        FrontendRuntime fe = frontend(List.of(), Duration.ZERO, false);
        EmbeddedChannel ch = new EmbeddedChannel(new ClientSideHandler(fe));
        assertFalse(ch.isOpen());
        assertEquals(1, fe.counters.connectErrors.sum());
        assertEquals(0, fe.counters.connectionsActive.get());
    }

    @Test
    void inspectionBuffersThenReleasesWhenNoServerTakesTheConnection() {
        FrontendRuntime fe = frontend(List.of(), Duration.ofSeconds(5), true);
        assertTrue(fe.inspect);
        ClientSideHandler h = new ClientSideHandler(fe);
        EmbeddedChannel ch = new EmbeddedChannel(h);
        assertTrue(ch.isOpen());
        assertEquals(ProxySession.State.INSPECTING, h.session().state());
        ch.writeInbound(bytes("\u0016\u0003\u0001")); // start of a TLS record: needs more
        assertEquals(ProxySession.State.INSPECTING, h.session().state());
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE); // truncated by FIN
        assertEquals(ProxySession.State.CLOSED, h.session().state());
        assertFalse(ch.isOpen());
        assertEquals(1, fe.counters.connectErrors.sum());
        ch.finishAndReleaseAll();
    }

    @Test
    void nonTlsBytesEndInspectionImmediately() {
        FrontendRuntime fe = frontend(List.of(), Duration.ofSeconds(5), true);
        ClientSideHandler h = new ClientSideHandler(fe);
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ch.writeInbound(bytes("GET / HTTP/1.1\r\n"));
        assertEquals(ProxySession.State.CLOSED, h.session().state()); // routed (no server): closed
        ch.finishAndReleaseAll();
    }

    @Test
    void contentRejectAfterInspection() {
        FrontendRuntime fe = frontend(List.of(new TcpRequestRule(TcpRequestRule.Phase.CONTENT,
                TcpRequestRule.Action.REJECT, always(), SourcePos.NONE)), Duration.ofSeconds(5), true);
        ClientSideHandler h = new ClientSideHandler(fe);
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ch.writeInbound(bytes("not tls"));
        assertEquals(1, fe.counters.denied.sum());
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }
}
