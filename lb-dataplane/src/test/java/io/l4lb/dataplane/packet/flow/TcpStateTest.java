package io.l4lb.dataplane.packet.flow;

import static io.l4lb.dataplane.packet.flow.TcpState.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The INPUT-ONLY transitions, checked one by one. */
class TcpStateTest {
    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    @Test
    void handshakeDataAndClose() {
        assertEquals(SYN_RECV, NONE.next(SYN));
        assertEquals(ESTABLISHED, SYN_RECV.next(ACK));
        assertEquals(ESTABLISHED, ESTABLISHED.next(PSH | ACK));
        assertEquals(FIN_WAIT, ESTABLISHED.next(FIN | ACK));
        assertEquals(FIN_WAIT, FIN_WAIT.next(ACK));
        assertEquals(CLOSE, FIN_WAIT.next(RST));
    }

    @Test
    void rstWinsOverEverythingAndSynOverFin() {
        assertEquals(CLOSE, ESTABLISHED.next(RST | ACK | SYN | FIN));
        assertEquals(SYN_RECV, CLOSE.next(SYN | FIN));
        assertEquals(TIME_WAIT, TIME_WAIT.next(RST));
    }

    @Test
    void midStreamPacketsOfUnknownFlows() {
        assertEquals(ESTABLISHED, NONE.next(ACK));
        assertEquals(CLOSE, NONE.next(FIN | ACK));
        assertEquals(CLOSE, NONE.next(RST));
        assertEquals(NONE, NONE.next(PSH));
    }

    @Test
    void portReuseReopensAndSynRecvFinGoesToTimeWait() {
        assertEquals(SYN_RECV, TIME_WAIT.next(SYN));
        assertEquals(SYN_RECV, FIN_WAIT.next(SYN));
        assertEquals(TIME_WAIT, SYN_RECV.next(FIN));
        assertEquals(ESTABLISHED, ESTABLISHED.next(SYN));
    }

    @Test
    void noFlagsNoChangeAndUdpStaysUdp() {
        for (TcpState s : TcpState.values()) {
            assertEquals(s, s.next(0));
        }
        assertEquals(UDP, UDP.next(SYN | ACK));
    }

    @Test
    void onlyEstablishedIsActive() {
        for (TcpState s : TcpState.values()) {
            if (s == ESTABLISHED) {
                assertTrue(s.active());
            } else {
                assertFalse(s.active(), s.name());
            }
        }
    }
}
