package io.l4lb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.l4lb.core.state.AdminState;
import org.junit.jupiter.api.Test;

class AgentReplyTest {
    @Test
    void parsesStatesWeightsAndDescription() {
        AgentReply r = AgentReply.parse("up,75%  ready # all good");
        assertEquals(Boolean.TRUE, r.up());
        assertEquals(75, r.weightPercent());
        assertEquals(AdminState.READY, r.admin());
        assertEquals("all good", r.description());
    }

    @Test
    void downWordsAndAdminWords() {
        assertEquals(Boolean.FALSE, AgentReply.parse("down").up());
        assertEquals(Boolean.FALSE, AgentReply.parse("fail").up());
        assertEquals(Boolean.FALSE, AgentReply.parse("stopped #bye").up());
        assertEquals(AdminState.DRAIN, AgentReply.parse("drain").admin());
        assertEquals(AdminState.MAINT, AgentReply.parse("MAINT").admin());
    }

    @Test
    void ignoresUnknownAndMalformedWords() {
        AgentReply r = AgentReply.parse("maxconn:30 bogus x% 999%");
        assertNull(r.up());
        assertNull(r.admin());
        assertNull(r.weightPercent());
    }
}
