package io.l4lb.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.ServerRuntime;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatsCatalogueTest {
    @Test
    void namesAreUniqueSnakeCaseAndScoped() {
        Set<String> fe = new HashSet<>();
        for (StatField<FrontendCounters> f : StatsCatalogue.FRONTEND) {
            assertTrue(fe.add(f.name()), f.name());
            assertTrue(f.name().matches("[a-z][a-z0-9_]*"), f.name());
            assertEquals(StatScope.FRONTEND, f.scope());
            assertTrue(f.type() == StatType.GAUGE || f.name().endsWith("_total"), f.name());
        }
        Set<String> sv = new HashSet<>();
        for (StatField<ServerRuntime> f : StatsCatalogue.SERVER) {
            assertTrue(sv.add(f.name()), f.name());
            assertEquals(StatScope.SERVER, f.scope());
            assertTrue(f.type() == StatType.GAUGE || f.name().endsWith("_total"), f.name());
        }
        Set<String> pk = new HashSet<>();
        for (StatField<PacketPlaneStats> f : StatsCatalogue.PACKET) {
            assertTrue(pk.add(f.name()), f.name());
            assertEquals(StatScope.PACKET, f.scope());
            assertTrue(f.type() == StatType.GAUGE || f.name().endsWith("_total"), f.name());
        }
    }

    @Test
    void packetFieldsReadTheLiveCountersOfDrTunnelFrontendsAndServers() {
        FrontendCounters c = new FrontendCounters();
        c.packets.add(11);
        c.connectionsInactive.set(4);
        assertEquals(11, value(c, "packets_total"));
        assertEquals(4, value(c, "inactive_sessions"));
        ServerRuntime s = new ServerRuntime(ServerConfig.of("s", "127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 1));
        s.load().addInactive(6);
        s.load().addActive(1);
        assertEquals(6, StatsCatalogue.SERVER.stream().filter(f -> f.name().equals("inactive_sessions"))
                .findFirst().orElseThrow().read(s));
        PacketPlaneStats p = new PacketPlaneStats(1, 2, 3, 4, 5, 6, java.util.Map.of("no_service", 7L));
        List<Long> values = StatsCatalogue.PACKET.stream().map(f -> f.read(p)).toList();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), values);
        assertEquals(7, p.droppedTotal());
    }

    @Test
    void readersReadTheLiveCounters() {
        FrontendCounters c = new FrontendCounters();
        c.bytesIn.add(42);
        c.connectionsActive.set(3);
        assertEquals(42, value(c, "bytes_in_total"));
        assertEquals(3, value(c, "current_sessions"));
        ServerRuntime s = new ServerRuntime(ServerConfig.of("s", "127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 1));
        s.counters().queueCurrent.set(2);
        s.load().addActive(5);
        long q = StatsCatalogue.SERVER.stream().filter(f -> f.name().equals("current_queue")).findFirst().orElseThrow().read(s);
        long a = StatsCatalogue.SERVER.stream().filter(f -> f.name().equals("current_sessions")).findFirst().orElseThrow().read(s);
        assertEquals(2, q);
        assertEquals(5, a);
    }

    private static long value(FrontendCounters c, String name) {
        return StatsCatalogue.FRONTEND.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().read(c);
    }
}
