package io.l4lb.core.config.parse;

import io.l4lb.core.config.ServerConfig.InitState;
import io.l4lb.core.config.ServerConfig.MarkedAction;
import io.l4lb.core.config.ServerConfig.OnError;
import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import io.l4lb.core.config.ServerConfig.ServerOptions;
import java.time.Duration;
import java.util.List;

/**
 * Mutable server options while a {@code default-server} or {@code server} line is read. A
 * {@code server} starts from a copy of its proxy's default-server builder. {@code fastinter} and
 * {@code downinter} follow {@code inter} unless set explicitly (HAProxy semantics).
 */
final class ServerOptionsBuilder {
    boolean check;
    Duration inter = Duration.ofSeconds(2);
    Duration fastinter;
    Duration downinter;
    int rise = 2;
    int fall = 3;
    int weight = 1;
    boolean backup;
    boolean disabled;
    int maxconn;
    int maxqueue;
    Duration slowstart = Duration.ZERO;
    ProxyProtocol sendProxy = ProxyProtocol.NONE;
    int checkPort;
    String checkAddr;
    InitState initState = InitState.UP;
    List<String> initAddr = List.of("last", "libc");
    boolean checkSsl;
    boolean verifyRequired;
    String caFile;
    String sni;
    MarkedAction onMarkedDown = MarkedAction.NONE;
    MarkedAction onMarkedUp = MarkedAction.NONE;
    boolean observeLayer4;
    int errorLimit = 10;
    OnError onError = OnError.FAIL_CHECK;
    int agentPort;
    Duration agentInter = Duration.ofSeconds(2);
    String agentAddr;
    String resolvers;
    String resolvePrefer;
    boolean agentCheck;

    ServerOptionsBuilder copy() {
        ServerOptionsBuilder b = new ServerOptionsBuilder();
        b.check = check;
        b.inter = inter;
        b.fastinter = fastinter;
        b.downinter = downinter;
        b.rise = rise;
        b.fall = fall;
        b.weight = weight;
        b.backup = backup;
        b.disabled = disabled;
        b.maxconn = maxconn;
        b.maxqueue = maxqueue;
        b.slowstart = slowstart;
        b.sendProxy = sendProxy;
        b.checkPort = checkPort;
        b.checkAddr = checkAddr;
        b.initState = initState;
        b.initAddr = initAddr;
        b.checkSsl = checkSsl;
        b.verifyRequired = verifyRequired;
        b.caFile = caFile;
        b.sni = sni;
        b.onMarkedDown = onMarkedDown;
        b.onMarkedUp = onMarkedUp;
        b.observeLayer4 = observeLayer4;
        b.errorLimit = errorLimit;
        b.onError = onError;
        b.agentPort = agentPort;
        b.agentInter = agentInter;
        b.agentAddr = agentAddr;
        b.resolvers = resolvers;
        b.resolvePrefer = resolvePrefer;
        b.agentCheck = agentCheck;
        return b;
    }

    ServerOptions build() {
        return new ServerOptions(check, inter, fastinter != null ? fastinter : inter,
                downinter != null ? downinter : inter, rise, fall, weight, backup, disabled, maxconn, maxqueue,
                slowstart, sendProxy, checkPort, checkAddr, initState, initAddr, checkSsl, verifyRequired, caFile,
                sni, onMarkedDown, onMarkedUp, observeLayer4, errorLimit, onError, agentCheck ? agentPort : 0,
                agentInter, agentAddr, resolvers, resolvePrefer);
    }
}
