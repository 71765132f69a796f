package io.l4lb.health.testing;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.config.ServerConfig.InitState;
import io.l4lb.core.config.ServerConfig.MarkedAction;
import io.l4lb.core.config.ServerConfig.OnError;
import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import io.l4lb.core.config.ServerConfig.ServerOptions;
import java.time.Duration;
import java.util.List;

/** Mutable builder for the 30-field {@link ServerOptions} record, for tests only. */
public final class TestOpts {
    public boolean check = true;
    public Duration inter = Duration.ofMillis(100);
    public Duration fastinter;
    public Duration downinter;
    public int rise = 2;
    public int fall = 3;
    public int weight = 1;
    public boolean backup;
    public boolean disabled;
    public Duration slowstart = Duration.ZERO;
    public ProxyProtocol sendProxy = ProxyProtocol.NONE;
    public int checkPort;
    public String checkAddr;
    public InitState initState = InitState.UP;
    public boolean checkSsl;
    public boolean verifyRequired;
    public String caFile;
    public MarkedAction onMarkedDown = MarkedAction.NONE;
    public MarkedAction onMarkedUp = MarkedAction.NONE;
    public boolean observe;
    public int errorLimit = 10;
    public OnError onError = OnError.FAIL_CHECK;
    public int agentPort;
    public Duration agentInter = Duration.ofMillis(100);
    public String agentAddr;

    public ServerOptions build() {
        return new ServerOptions(check, inter, fastinter == null ? inter : fastinter,
                downinter == null ? inter : downinter, rise, fall, weight, backup, disabled, 0, 0, slowstart,
                sendProxy, checkPort, checkAddr, initState, List.of("last", "libc"), checkSsl, verifyRequired,
                caFile, null, onMarkedDown, onMarkedUp, observe, errorLimit, onError, agentPort, agentInter,
                agentAddr, null);
    }

    public ServerConfig server(String name, int port) {
        return ServerConfig.of(name, "127.0.0.1", port).withOptions(build());
    }
}
