package io.l4lb.dataplane.packet.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.l4lb.core.config.ForwardStyle;
import io.l4lb.dataplane.packet.VirtualService;
import io.l4lb.dataplane.packet.fixtures.GoldenFrames;
import io.l4lb.dataplane.packet.wire.Bytes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nft ruleset that drops the kernel's copy of VIP traffic, and its install / remove calls. */
class KernelCopyFilterTest {
    /** GoldenFrames' services (10.0.0.100: tcp 80, udp 53, tcp 8080) plus a port range on a second VIP. */
    private static List<VirtualService> services() {
        List<VirtualService> l = new ArrayList<>(GoldenFrames.services().services());
        VirtualService any = l.get(0);
        for (int port : new int[] {443, 8000, 8001, 8002, 9000}) {
            l.add(new VirtualService(Bytes.parseIpv4("10.0.0.101"), port, 6, ForwardStyle.DR, any.backend(), null,
                    any.servers()));
        }
        return l;
    }

    @Test
    void oneRulePerVipAndProtocolPortsAsASetWithRanges() {
        assertEquals("""
                table ip l4lb_packet
                delete table ip l4lb_packet
                table ip l4lb_packet {
                  chain prerouting {
                    type filter hook prerouting priority -300; policy accept;
                    iifname "eth1" ip daddr 10.0.0.100 tcp dport { 80, 8080 } drop
                    iifname "eth1" ip daddr 10.0.0.100 udp dport { 53 } drop
                    iifname "eth1" ip daddr 10.0.0.101 tcp dport { 443, 8000-8002, 9000 } drop
                  }
                }
                """, KernelCopyFilter.script("eth1", services()));
    }

    @Test
    void installRunsTheScriptAndCloseRemovesTheTableOnce() throws IOException {
        List<String> ran = new ArrayList<>();
        KernelCopyFilter f = KernelCopyFilter.install("eth0", services(), ran::add);
        assertEquals(List.of(KernelCopyFilter.script("eth0", services())), ran);
        f.close();
        f.close();
        assertEquals(2, ran.size());
        assertEquals("table ip l4lb_packet\ndelete table ip l4lb_packet\n", ran.get(1));
    }

    @Test
    void anNftFailureReachesTheCaller() {
        IOException e = assertThrows(IOException.class, () -> KernelCopyFilter.install("eth0", services(), s -> {
            throw new IOException("nft: not found");
        }));
        assertEquals("nft: not found", e.getMessage());
    }
}
