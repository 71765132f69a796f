package io.l4lb.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.ServerRuntime;
import java.net.InetSocketAddress;
import java.util.HashSet;
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
