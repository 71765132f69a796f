package io.l4lb.dataplane.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node runner's command line: options, and a vrrp section read from a config file. */
class VrrpNodeMainTest {
    @Test
    void optionsBecomeAVrrpConfig(@TempDir Path dir) throws Exception {
        Path usable = dir.resolve("web");
        var p = VrrpNodeMain.parse(new String[] {"--interface", "eth0", "--vrid", "7", "--priority", "120",
            "--advert-int-ms", "200", "--vip", "10.0.0.100/24", "--unicast-peer", "10.0.0.2", "--nopreempt",
            "--track", "web:-30:" + usable});
        assertEquals(7, p.config().virtualRouterId());
        assertEquals(Duration.ofMillis(200), p.config().advertInterval());
        assertFalse(p.config().preempt());
        assertEquals(-30, p.config().trackBackends().getFirst().weight());
        assertFalse(p.tracked().getFirst().getAsBoolean());
        Files.createFile(usable);
        assertTrue(p.tracked().getFirst().getAsBoolean());
        assertThrows(IllegalArgumentException.class, () -> VrrpNodeMain.parse(new String[] {"--vrid", "7"}));
        assertThrows(IllegalArgumentException.class, () -> VrrpNodeMain.parse(new String[] {"--bogus", "1"}));
    }

    @Test
    void configFileSection(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("l4lb.cfg");
        Files.writeString(cfg, """
                vrrp one
                    interface eth0
                    virtual-router-id 51
                    priority 150
                    advert-int 100ms
                    virtual-ipaddress 10.0.0.100/24
                vrrp two
                    interface eth1
                    virtual-router-id 52
                    virtual-ipaddress 10.1.0.100/24
                """);
        var p = VrrpNodeMain.parse(new String[] {"--config", cfg.toString(), "--instance", "two"});
        assertEquals("eth1", p.config().interfaceName());
        assertEquals(52, p.config().virtualRouterId());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VrrpNodeMain.parse(new String[] {"--config", cfg.toString()}));
        assertTrue(e.getMessage().contains("2 vrrp sections match"), e.getMessage());
    }
}
