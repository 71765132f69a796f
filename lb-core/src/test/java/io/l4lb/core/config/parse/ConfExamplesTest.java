package io.l4lb.core.config.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.ForwardStyle;
import io.l4lb.core.config.HealthCheckConfig;
import io.l4lb.core.config.L4Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every example in conf/ parses without errors (and without warnings: examples should be clean). */
class ConfExamplesTest {
    static Path confDir() {
        String project = System.getProperty("l4lb.project.dir", "..");
        Path p = Path.of(project, "conf");
        return Files.isDirectory(p) ? p : Path.of("..", "conf");
    }

    @TestFactory
    Stream<DynamicTest> everyExampleParsesCleanly() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(confDir())) {
            files = s.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
        }
        assertTrue(files.size() >= 4, "expected at least 4 examples in " + confDir());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            L4Config c = ConfigParser.parseFile(f);
            assertEquals(List.of(), c.warnings(), "examples should not need warnings");
            assertFalse(c.frontends().isEmpty());
        }));
    }

    @Test
    void examplesCoverTheirTopics() throws Exception {
        L4Config web = ConfigParser.parseFile(confDir().resolve("web-farm.cfg"));
        assertEquals(2, web.global().nbthread());
        assertEquals(HealthCheckConfig.Type.HTTP, web.backends().get("api").check().type());
        L4Config db = ConfigParser.parseFile(confDir().resolve("database.cfg"));
        assertEquals(HealthCheckConfig.Type.MYSQL, db.backends().get("mysql").check().type());
        assertEquals(HealthCheckConfig.Type.TCP_CHECK, db.backends().get("redis-master").check().type());
        L4Config dr = ConfigParser.parseFile(confDir().resolve("dr-tunnel.cfg"));
        assertEquals(ForwardStyle.DR, dr.backends().get("farm-dr").forward());
        assertEquals(ForwardStyle.TUNNEL, dr.backends().get("remote-tun").forward());
        assertTrue(dr.backends().get("transparent-smtp").usesrcClientIp());
        L4Config ha = ConfigParser.parseFile(confDir().resolve("vrrp-admin.cfg"));
        assertEquals(51, ha.vrrp().get(0).virtualRouterId());
        assertNotNull(ha.admin());
        assertTrue(ha.frontends().get("stats").stats().admin());
        L4Config all = ConfigParser.parseFiles(List.of(confDir()));
        assertTrue(all.backends().keySet().containsAll(List.of("web", "mysql", "farm-dr", "ingress-nodes")));
    }
}
