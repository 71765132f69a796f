package io.l4lb.dataplane.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.VrrpConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VrrpSettingsTest {
    static VrrpConfig config(int vrid, int priority, Duration advert, List<String> vips, List<String> peers,
                             List<VrrpConfig.TrackBackend> tracks) {
        return new VrrpConfig("vi1", "eth0", vrid, priority, advert, vips, peers, true, Duration.ZERO, null, tracks,
                null, null);
    }

    @Test
    void resolvesAValidSection() {
        VrrpSettings s = VrrpSettings.from(config(51, 150, Duration.ofMillis(100), List.of("10.0.0.100/24", "10.0.0.101"),
                List.of("10.0.0.2"), List.of(new VrrpConfig.TrackBackend("web", -60))));
        assertEquals(10, s.advertIntervalCs());
        assertEquals(24, s.virtualAddresses().get(0).length());
        assertEquals(32, s.virtualAddresses().get(1).length());
        assertEquals(1, s.unicastPeers().length);
        assertEquals(150, s.effectivePriority(new boolean[] {true}));
        assertEquals(90, s.effectivePriority(new boolean[] {false}));
    }

    @Test
    void trackedPriorityStaysInRangeAndTheOwnerIsNotTracked() {
        VrrpSettings s = VrrpSettings.from(config(51, 50, Duration.ofSeconds(1), List.of("10.0.0.100"), List.of(),
                List.of(new VrrpConfig.TrackBackend("a", -40), new VrrpConfig.TrackBackend("b", -40))));
        assertEquals(1, s.effectivePriority(new boolean[] {false, false}));
        VrrpSettings owner = VrrpSettings.from(config(51, 255, Duration.ofSeconds(1), List.of("10.0.0.100"), List.of(),
                List.of(new VrrpConfig.TrackBackend("a", -40))));
        assertEquals(255, owner.effectivePriority(new boolean[] {false}));
    }

    @Test
    void trackWithoutWeightDropsToPriorityOne() {
        VrrpSettings s = VrrpSettings.from(config(51, 200, Duration.ofSeconds(1), List.of("10.0.0.100"), List.of(),
                List.of(new VrrpConfig.TrackBackend("a", 0), new VrrpConfig.TrackBackend("b", -10))));
        assertEquals(200, s.effectivePriority(new boolean[] {true, true}));
        assertEquals(190, s.effectivePriority(new boolean[] {true, false}));
        assertEquals(1, s.effectivePriority(new boolean[] {false, true}));
        assertEquals(1, s.effectivePriority(new boolean[] {false, false}));
    }

    /** The example config parses (config helper's parser) and resolves for the runtime. */
    @Test
    void exampleConfigResolves() throws Exception {
        java.nio.file.Path conf = java.nio.file.Path.of(System.getProperty("l4lb.project.dir", ".."), "conf", "vrrp-admin.cfg");
        if (!java.nio.file.Files.exists(conf)) {
            conf = java.nio.file.Path.of("..", "conf", "vrrp-admin.cfg");
        }
        VrrpConfig c = io.l4lb.core.config.ConfigParser.parseFile(conf).vrrp().getFirst();
        VrrpSettings s = VrrpSettings.from(c);
        assertEquals("VI_1", s.name());
        assertEquals(51, s.vrid());
        assertEquals(100, s.advertIntervalCs());
        assertEquals("192.0.2.100/24", s.virtualAddresses().getFirst().toString());
        assertEquals(io.l4lb.dataplane.nativeio.Ipv4.parse("10.2.0.2"), s.unicastPeers()[0]);
        assertEquals(30_000_000_000L, s.preemptDelayNanos());
        assertEquals(90, s.effectivePriority(new boolean[] {false}));
        assertEquals("/etc/l4lb/notify.sh", s.notifyScript());
    }

    @Test
    void badValuesGetClearErrors() {
        List<String> vip = List.of("10.0.0.100/24");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VrrpSettings.from(
                config(0, 100, Duration.ofSeconds(1), vip, List.of(), List.of()))).getMessage()
                .contains("'virtual-router-id': 0 (expected: 1..255)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VrrpSettings.from(
                config(1, 256, Duration.ofSeconds(1), vip, List.of(), List.of()))).getMessage().contains("'priority': 256"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VrrpSettings.from(
                config(1, 100, Duration.ofMillis(15), vip, List.of(), List.of()))).getMessage().contains("10 ms steps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VrrpSettings.from(
                config(1, 100, Duration.ofSeconds(41), vip, List.of(), List.of()))).getMessage().contains("'advert-int'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VrrpSettings.from(
                config(1, 100, Duration.ofSeconds(1), List.of("10.0.0.300/24"), List.of(), List.of()))).getMessage()
                .contains("'virtual-ipaddress': 10.0.0.300/24"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VrrpSettings.from(
                config(1, 100, Duration.ofSeconds(1), vip, List.of("peer"), List.of()))).getMessage()
                .contains("'unicast-peer': peer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VrrpSettings.from(
                config(1, 100, Duration.ofSeconds(1), List.of(), List.of(), List.of()))).getMessage()
                .contains("'virtual-ipaddress' is missing"));
    }

    @Test
    void shortAuthKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new VrrpAuth("short".getBytes(), 0, () -> 0));
    }
}
