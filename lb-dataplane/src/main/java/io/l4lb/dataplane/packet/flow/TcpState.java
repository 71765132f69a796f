package io.l4lb.dataplane.packet.flow;

import io.l4lb.dataplane.packet.wire.Headers;

/**
 * Flow states as the LB sees them. In DR and tunnel mode the LB sees only the client's half of the
 * conversation, so transitions follow the INPUT-ONLY table of LVS ({@code tcp_states[]} in
 * {@code net/netfilter/ipvs/ip_vs_proto_tcp.c}, used for connections flagged NOOUTPUT), reduced to
 * the states reachable from client packets. {@link #UDP} is the single state of a UDP flow.
 *
 * <p>Only {@link #ESTABLISHED} counts as an active connection for lc/wlc; every other state counts
 * as inactive (LVS {@code set_tcp_state}: moves between activeconns and inactconns).
 */
public enum TcpState {
    SYN_RECV, ESTABLISHED, FIN_WAIT, TIME_WAIT, CLOSE, UDP, NONE;

    static final TcpState[] VALUES = values();

    private static final int EV_SYN = 0;
    private static final int EV_FIN = 1;
    private static final int EV_ACK = 2;
    private static final int EV_RST = 3;

    /*
     * next[state][event]. Rows: SYN_RECV, ESTABLISHED, FIN_WAIT, TIME_WAIT, CLOSE, UDP, NONE.
     * Columns: syn, fin, ack, rst. A SYN on a closing flow reopens it (port reuse) -> SYN_RECV.
     */
    private static final TcpState[][] NEXT = {
            /* SYN_RECV    */ {SYN_RECV, TIME_WAIT, ESTABLISHED, CLOSE},
            /* ESTABLISHED */ {ESTABLISHED, FIN_WAIT, ESTABLISHED, CLOSE},
            /* FIN_WAIT    */ {SYN_RECV, FIN_WAIT, FIN_WAIT, CLOSE},
            /* TIME_WAIT   */ {SYN_RECV, TIME_WAIT, TIME_WAIT, TIME_WAIT},
            /* CLOSE       */ {SYN_RECV, CLOSE, CLOSE, CLOSE},
            /* UDP         */ {UDP, UDP, UDP, UDP},
            /* NONE        */ {SYN_RECV, CLOSE, ESTABLISHED, CLOSE},
    };

    /**
     * The state after a client packet with TCP {@code flags}. Event priority as LVS
     * {@code tcp_state_idx}: RST, then SYN, then FIN, then ACK; a packet with none changes nothing.
     */
    public TcpState next(int flags) {
        int ev;
        if ((flags & Headers.TCP_RST) != 0) {
            ev = EV_RST;
        } else if ((flags & Headers.TCP_SYN) != 0) {
            ev = EV_SYN;
        } else if ((flags & Headers.TCP_FIN) != 0) {
            ev = EV_FIN;
        } else if ((flags & Headers.TCP_ACK) != 0) {
            ev = EV_ACK;
        } else {
            return this;
        }
        return NEXT[ordinal()][ev];
    }

    /** Counted in {@code activeconns} (else {@code inactconns}). */
    public boolean active() {
        return this == ESTABLISHED;
    }
}
