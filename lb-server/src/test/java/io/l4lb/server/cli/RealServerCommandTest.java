package io.l4lb.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.server.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code l4lb realserver} and {@code l4lb decap} argument handling and the printed plan. */
class RealServerCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(List.of(args), new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void drPlanPutsTheVipOnLoAndSilencesArp() throws Exception {
        assertEquals(0, run("realserver", "--mode", "dr", "--vip", "203.0.113.10", "--vip", "203.0.113.11"));
        String plan = out.toString();
        assertTrue(plan.contains("ip addr replace 203.0.113.10/32 dev lo"), plan);
        assertTrue(plan.contains("ip addr replace 203.0.113.11/32 dev lo"), plan);
        assertTrue(plan.contains("sysctl -w net.ipv4.conf.all.arp_ignore=1"), plan);
        assertTrue(plan.contains("sysctl -w net.ipv4.conf.all.arp_announce=2"), plan);
        assertFalse(plan.contains("rp_filter"), "DR needs no rp_filter change: " + plan);
    }

    @Test
    void tunnelPlanAddsRpFilterAndAnIpipEndpoint() {
        List<RealServerPlan.Step> kernel = RealServerPlan.steps("tunnel", List.of(0xcb00710a), true);
        List<RealServerPlan.Step> user = RealServerPlan.steps("tunnel", List.of(0xcb00710a), false);
        String k = String.join("\n", kernel.stream().map(RealServerPlan.Step::shell).toList());
        String u = String.join("\n", user.stream().map(RealServerPlan.Step::shell).toList());
        assertTrue(k.contains("sysctl -w net.ipv4.conf.all.rp_filter=0"), k);
        assertTrue(k.contains("ip link add tunl0 type ipip"), k);
        assertTrue(k.contains("net.ipv4.conf.tunl0.rp_filter=0"), k);
        assertTrue(u.contains("l4lb decap --vip 203.0.113.10"), u);
        assertFalse(u.contains("tunl0"), u);
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        assertEquals(2, run("realserver", "--mode", "nat", "--vip", "203.0.113.10"));
        assertTrue(err.toString().contains("--mode 'nat' (expected: dr, tunnel)"), err.toString());
        assertEquals(2, run("realserver", "--mode", "dr", "--vip", "203.0.113"));
        assertTrue(err.toString().contains("--vip '203.0.113'"), err.toString());
        assertEquals(2, run("realserver", "--mode", "dr"));
        assertEquals(2, run("decap"));
        assertTrue(err.toString().contains("at least one --vip"), err.toString());
        assertEquals(2, run("decap", "--vip", "nope"));
        assertEquals(0, run("decap", "--help"));
        assertTrue(out.toString().contains("usage: l4lb decap"), out.toString());
    }
}
