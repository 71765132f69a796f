package io.l4lb.dataplane.packet.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.dataplane.packet.RealServer;
import java.net.InetSocketAddress;
import io.l4lb.dataplane.packet.wire.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /proc/net/route and /proc/net/arp parsing, and the MAC resolver over fake tables. */
class ProcNetTest {
    // Captured from a host: default via 192.0.2.1 on eth0, 192.0.2.0/24 on eth0, 10.9.0.0/16 on
    // lan1 (metric 0) and lan2 (metric 10), 10.9.1.0/24 on lan3 but down (flags 0).
    private static final String ROUTE = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
            eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
            lan2\t0000090A\t00000000\t0001\t0\t0\t10\t0000FFFF\t0\t0\t0
            lan1\t0000090A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
            lan3\t0001090A\t00000000\t0000\t0\t0\t0\t00FFFFFF\t0\t0\t0
            """;
    private static final String ARP = """
            IP address       HW type     Flags       HW address            Mask     Device
            192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
            10.9.1.11        0x1         0x2         02:00:00:00:01:0b     *        lan1
            10.9.1.12        0x1         0x0         00:00:00:00:00:00     *        lan1
            10.9.1.13        0x1         0x2         02:00:00:00:01:0d     *        lan2
            """;

    @Test
    void longestPrefixWinsThenLowestMetricAndDownRoutesAreIgnored() {
        assertEquals("eth0", ProcNet.routeInterface(ROUTE, Bytes.parseIpv4("192.0.2.200")));
        assertEquals("eth0", ProcNet.routeInterface(ROUTE, Bytes.parseIpv4("8.8.8.8")));
        assertEquals("lan1", ProcNet.routeInterface(ROUTE, Bytes.parseIpv4("10.9.1.5")));
        assertNull(ProcNet.routeInterface(ROUTE.lines().limit(1).reduce("", String::concat), Bytes.parseIpv4("10.9.1.5")));
    }

    @Test
    void onlyCompleteEntriesOfTheDevice() {
        Map<Integer, Long> lan1 = ProcNet.neighbours(ARP, "lan1");
        assertEquals(Map.of(Bytes.parseIpv4("10.9.1.11"), 0x0200_0000_010bL), lan1);
        assertEquals(3, ProcNet.neighbours(ARP, null).size());
    }

    private static RealServer server(String name, String ip) {
        return RealServer.of(new ServerRuntime(ServerConfig.of(name, ip, 80), new InetSocketAddress(ip, 80)), Bytes.NO_MAC);
    }

    @Test
    void resolverSetsKnownMacsAndProbesTheOthers() {
        RealServer a = server("a", "10.9.1.11");
        RealServer b = server("b", "10.9.1.12");
        List<Integer> probed = new ArrayList<>();
        String[] table = {ARP};
        MacResolver r = new MacResolver(List.of(a, b), "lan1", () -> table[0], probed::add);
        assertEquals(1, r.refresh());
        assertEquals(0x0200_0000_010bL, a.mac());
        assertEquals(Bytes.NO_MAC, b.mac());
        assertEquals(List.of(Bytes.parseIpv4("10.9.1.12")), probed);
        table[0] = ARP.replace("10.9.1.12        0x1         0x0         00:00:00:00:00:00",
                "10.9.1.12        0x1         0x2         02:00:00:00:01:0c")
                .replace("02:00:00:00:01:0b", "02:00:00:00:01:aa");
        assertEquals(0, r.refresh());
        assertEquals(0x0200_0000_010cL, b.mac());
        assertEquals(0x0200_0000_01aaL, a.mac(), "a changed MAC is picked up");
        assertEquals(1, probed.size());
    }
}
