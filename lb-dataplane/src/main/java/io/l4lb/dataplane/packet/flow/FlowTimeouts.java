package io.l4lb.dataplane.packet.flow;

import java.time.Duration;

/**
 * Idle timeout per flow state. Defaults are LVS's ({@code tcp_timeouts[]} in ip_vs_proto_tcp.c,
 * {@code udp_timeouts} in ip_vs_proto_udp.c; {@code ipvsadm --set} changes the first three).
 */
public record FlowTimeouts(Duration established, Duration finWait, Duration synRecv, Duration timeWait,
                           Duration close, Duration udp) {
    public static final FlowTimeouts LVS_DEFAULTS = new FlowTimeouts(Duration.ofSeconds(900),
            Duration.ofSeconds(120), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(10),
            Duration.ofSeconds(300));

    public FlowTimeouts {
        for (Duration d : new Duration[] {established, finWait, synRecv, timeWait, close, udp}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("flow timeouts must be positive: " + d);
            }
        }
    }

    /** Like {@code ipvsadm --set tcp tcpfin udp}. */
    public FlowTimeouts withTcp(Duration tcp, Duration tcpFin, Duration udpTimeout) {
        return new FlowTimeouts(tcp, tcpFin, synRecv, timeWait, close, udpTimeout);
    }

    public FlowTimeouts withSynRecv(Duration d) {
        return new FlowTimeouts(established, finWait, d, timeWait, close, udp);
    }

    /** Nanoseconds per {@link TcpState} ordinal, for the table's hot path. */
    long[] nanosByState() {
        long[] t = new long[TcpState.VALUES.length];
        t[TcpState.SYN_RECV.ordinal()] = synRecv.toNanos();
        t[TcpState.ESTABLISHED.ordinal()] = established.toNanos();
        t[TcpState.FIN_WAIT.ordinal()] = finWait.toNanos();
        t[TcpState.TIME_WAIT.ordinal()] = timeWait.toNanos();
        t[TcpState.CLOSE.ordinal()] = close.toNanos();
        t[TcpState.UDP.ordinal()] = udp.toNanos();
        t[TcpState.NONE.ordinal()] = close.toNanos();
        return t;
    }
}
