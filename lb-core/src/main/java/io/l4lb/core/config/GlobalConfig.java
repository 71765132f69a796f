package io.l4lb.core.config;

import java.time.Duration;

/**
 * The {@code global} section. {@code maxconn} 0 = unlimited; {@code nbthread} 0 = one event loop
 * per available core; {@code transport} is the l4lb extension {@code l4lb-transport
 * epoll|io_uring|nio}; {@code hardStopAfter} null = wait for connections without limit on stop.
 */
public record GlobalConfig(int maxconn, int nbthread, Transport transport, Duration hardStopAfter,
                           int spreadChecksPercent, SourcePos pos) {
    public static final GlobalConfig DEFAULTS = new GlobalConfig(0, 0, Transport.EPOLL, null, 0, SourcePos.NONE);

    public enum Transport { EPOLL, IO_URING, NIO }
}
