package io.l4lb.core.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code server NAME ADDR[:PORT] [options]} after {@code default-server} options were applied.
 * {@code port} is 0 when the address carries no port (HAProxy then uses the client's destination
 * port). {@code host} is an IP literal or a DNS name resolved at run time (see {@code initAddr}).
 */
public record ServerConfig(String name, String host, int port, ServerOptions options, SourcePos pos) {

    /** A server with HAProxy's default options: no check, weight 1. Handy for tests. */
    public static ServerConfig of(String name, String host, int port) {
        return new ServerConfig(name, host, port, ServerOptions.DEFAULTS, SourcePos.NONE);
    }

    public ServerConfig withOptions(ServerOptions o) {
        return new ServerConfig(name, host, port, o, pos);
    }

    /** {@code send-proxy} writes a PROXY v1 header, {@code send-proxy-v2} the binary v2 one. */
    public enum ProxyProtocol { NONE, V1, V2 }

    /** {@code init-state}: where the health state machine starts (HAProxy 2.8+ semantics). */
    public enum InitState { UP, DOWN, FULLY_UP, FULLY_DOWN }

    /** {@code on-marked-down} / {@code on-marked-up} actions. */
    public enum MarkedAction { NONE, SHUTDOWN_SESSIONS, SHUTDOWN_BACKUP_SESSIONS }

    /** {@code observe layer4} with {@code on-error}: how passive failures act. */
    public enum OnError { FASTINTER, FAIL_CHECK, SUDDEN_DEATH, MARK_DOWN }

    /**
     * Server options. Durations are never null here: defaults are HAProxy's (inter 2 s, fastinter
     * and downinter default to inter, rise 2, fall 3, weight 1). {@code checkPort} 0 = server port;
     * {@code checkAddr} null = server address. {@code maxconn} / {@code maxqueue} 0 = unlimited.
     * {@code resolvePrefer} is {@code ipv4}, {@code ipv6} or null (HAProxy default: ipv6 first).
     */
    public record ServerOptions(
            boolean check, Duration inter, Duration fastinter, Duration downinter, int rise, int fall,
            int weight, boolean backup, boolean disabled, int maxconn, int maxqueue, Duration slowstart,
            ProxyProtocol sendProxy, int checkPort, String checkAddr, InitState initState,
            List<String> initAddr, boolean checkSsl, boolean verifyRequired, String caFile,
            String sni, MarkedAction onMarkedDown, MarkedAction onMarkedUp, boolean observeLayer4,
            int errorLimit, OnError onError, int agentPort, Duration agentInter, String agentAddr,
            String resolvers, String resolvePrefer) {

        public static final ServerOptions DEFAULTS = new ServerOptions(
                false, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 3,
                1, false, false, 0, 0, Duration.ZERO,
                ProxyProtocol.NONE, 0, null, InitState.UP,
                List.of("last", "libc"), false, false, null,
                null, MarkedAction.NONE, MarkedAction.NONE, false,
                10, OnError.FAIL_CHECK, 0, Duration.ofSeconds(2), null,
                null, null);

        public ServerOptions {
            initAddr = List.copyOf(initAddr);
        }

        /** The original component list (before {@code resolvePrefer}), kept for source compatibility. */
        public ServerOptions(
                boolean check, Duration inter, Duration fastinter, Duration downinter, int rise, int fall,
                int weight, boolean backup, boolean disabled, int maxconn, int maxqueue, Duration slowstart,
                ProxyProtocol sendProxy, int checkPort, String checkAddr, InitState initState,
                List<String> initAddr, boolean checkSsl, boolean verifyRequired, String caFile,
                String sni, MarkedAction onMarkedDown, MarkedAction onMarkedUp, boolean observeLayer4,
                int errorLimit, OnError onError, int agentPort, Duration agentInter, String agentAddr,
                String resolvers) {
            this(check, inter, fastinter, downinter, rise, fall, weight, backup, disabled, maxconn, maxqueue,
                    slowstart, sendProxy, checkPort, checkAddr, initState, initAddr, checkSsl, verifyRequired,
                    caFile, sni, onMarkedDown, onMarkedUp, observeLayer4, errorLimit, onError, agentPort,
                    agentInter, agentAddr, resolvers, null);
        }

        public ServerOptions withCheck(boolean v) {
            return new ServerOptions(v, inter, fastinter, downinter, rise, fall, weight, backup, disabled,
                    maxconn, maxqueue, slowstart, sendProxy, checkPort, checkAddr, initState, initAddr,
                    checkSsl, verifyRequired, caFile, sni, onMarkedDown, onMarkedUp, observeLayer4,
                    errorLimit, onError, agentPort, agentInter, agentAddr, resolvers, resolvePrefer);
        }

        public ServerOptions withWeight(int v) {
            return new ServerOptions(check, inter, fastinter, downinter, rise, fall, v, backup, disabled,
                    maxconn, maxqueue, slowstart, sendProxy, checkPort, checkAddr, initState, initAddr,
                    checkSsl, verifyRequired, caFile, sni, onMarkedDown, onMarkedUp, observeLayer4,
                    errorLimit, onError, agentPort, agentInter, agentAddr, resolvers, resolvePrefer);
        }

        public ServerOptions withBackup(boolean v) {
            return new ServerOptions(check, inter, fastinter, downinter, rise, fall, weight, v, disabled,
                    maxconn, maxqueue, slowstart, sendProxy, checkPort, checkAddr, initState, initAddr,
                    checkSsl, verifyRequired, caFile, sni, onMarkedDown, onMarkedUp, observeLayer4,
                    errorLimit, onError, agentPort, agentInter, agentAddr, resolvers, resolvePrefer);
        }

        public ServerOptions withDisabled(boolean v) {
            return new ServerOptions(check, inter, fastinter, downinter, rise, fall, weight, backup, v,
                    maxconn, maxqueue, slowstart, sendProxy, checkPort, checkAddr, initState, initAddr,
                    checkSsl, verifyRequired, caFile, sni, onMarkedDown, onMarkedUp, observeLayer4,
                    errorLimit, onError, agentPort, agentInter, agentAddr, resolvers, resolvePrefer);
        }

        public ServerOptions withMaxconn(int v, int queue) {
            return new ServerOptions(check, inter, fastinter, downinter, rise, fall, weight, backup, disabled,
                    v, queue, slowstart, sendProxy, checkPort, checkAddr, initState, initAddr,
                    checkSsl, verifyRequired, caFile, sni, onMarkedDown, onMarkedUp, observeLayer4,
                    errorLimit, onError, agentPort, agentInter, agentAddr, resolvers, resolvePrefer);
        }

        public ServerOptions withSendProxy(ProxyProtocol v) {
            return new ServerOptions(check, inter, fastinter, downinter, rise, fall, weight, backup, disabled,
                    maxconn, maxqueue, slowstart, v, checkPort, checkAddr, initState, initAddr,
                    checkSsl, verifyRequired, caFile, sni, onMarkedDown, onMarkedUp, observeLayer4,
                    errorLimit, onError, agentPort, agentInter, agentAddr, resolvers, resolvePrefer);
        }

        public ServerOptions withTiming(Duration inter, Duration fastinter, Duration downinter, int rise, int fall) {
            return new ServerOptions(check, inter, fastinter, downinter, rise, fall, weight, backup, disabled,
                    maxconn, maxqueue, slowstart, sendProxy, checkPort, checkAddr, initState, initAddr,
                    checkSsl, verifyRequired, caFile, sni, onMarkedDown, onMarkedUp, observeLayer4,
                    errorLimit, onError, agentPort, agentInter, agentAddr, resolvers, resolvePrefer);
        }
    }
}
