package io.l4lb.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.L4Config;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
    static final String BASE = """
            defaults
                mode tcp
                timeout connect 5s
                timeout client 1m
                timeout server 1m

            frontend fe
                bind 127.0.0.1:18080
                default_backend web

            backend web
                balance roundrobin
                server s1 127.0.0.1:19001 weight 1
                server s2 127.0.0.1:19002 weight 2
                server s3 127.0.0.1:19003 weight 3

            backend db
                balance leastconn
                server m1 127.0.0.1:19011
            """;

    private static L4Config parse(String text) throws Exception {
        return ConfigParser.parse("test.cfg", text);
    }

    @Test
    void sameConfigWithShiftedLinesIsNoChange() throws Exception {
        ConfigDiff.Plan p = ConfigDiff.diff(parse(BASE), parse("# a comment moves every line\n\n" + BASE));
        assertTrue(p.isEmpty(), p.describe().toString());
    }

    @Test
    void serverChangesAreClassified() throws Exception {
        String next = BASE.replace("server s2 127.0.0.1:19002 weight 2", "server s2 127.0.0.1:19002 weight 5")
                .replace("server s3 127.0.0.1:19003 weight 3", "server s3 127.0.0.1:19033 weight 3")
                .replace("server s1 127.0.0.1:19001 weight 1\n", "")
                .replace("server m1 127.0.0.1:19011", "server m1 127.0.0.1:19011\n    server m2 127.0.0.1:19012");
        ConfigDiff.Plan p = ConfigDiff.diff(parse(BASE), parse(next));
        assertEquals(List.of("server web/s2 weight to 5", "server web/s3 changed", "server web/s1 removed",
                "server db/m2 added"), p.describe());
        assertEquals(19033, p.servers().get(1).config().port());
        assertTrue(p.frontendsChanged().isEmpty() && p.backendsChanged().isEmpty());
    }

    @Test
    void listenerAndBackendLevelChanges() throws Exception {
        String next = BASE.replace("balance leastconn", "balance roundrobin")
                .replace("bind 127.0.0.1:18080", "bind 127.0.0.1:18081")
                + """

                frontend fe2
                    bind 127.0.0.1:18090
                    default_backend db
                """;
        ConfigDiff.Plan p = ConfigDiff.diff(parse(BASE), parse(next));
        assertEquals(List.of("fe2"), p.frontendsAdded());
        assertEquals(List.of("fe"), p.frontendsChanged());
        assertEquals(List.of("fe"), p.frontendsRebind()); // a bind changed: the listener must move
        assertEquals(List.of("bind"), p.frontendSettings().get("fe"));
        assertEquals(List.of("db"), p.backendsChanged());
        assertEquals(List.of("balance"), p.backendSettings().get("db"));
        assertTrue(p.servers().isEmpty());
        assertFalse(p.globalChanged());
        ConfigDiff.Plan back = ConfigDiff.diff(parse(next), parse(BASE));
        assertEquals(List.of("fe2"), back.frontendsRemoved());
    }

    @Test
    void removedBackend() throws Exception {
        String next = BASE.substring(0, BASE.indexOf("backend db"));
        ConfigDiff.Plan p = ConfigDiff.diff(parse(BASE), parse(next));
        assertEquals(List.of("db"), p.backendsRemoved());
        assertEquals(List.of("backend db removed"), p.describe());
    }

    @Test
    void settingsAreNamedAsWrittenAndRulesChangeWithoutRebind() throws Exception {
        String next = BASE.replace("    default_backend web", """
                    acl local src 127.0.0.1
                    tcp-request connection reject unless local
                    timeout client 5s
                    maxconn 10
                    default_backend web""")
                .replace("balance roundrobin", """
                balance first
                    retries 5
                    option redispatch
                    timeout server 2s
                    timeout queue 1s
                    persist 10s""")
                + """

                global
                    maxconn 500
                    nbthread 2
                    hard-stop-after 3s
                admin
                    bind 127.0.0.1:9091
                vrrp vi1
                    interface lo
                    virtual-router-id 51
                    priority 100
                    virtual-ipaddress 192.0.2.10/24
                """;
        ConfigDiff.Plan p = ConfigDiff.diff(parse(BASE), parse(next));
        assertEquals(List.of("fe"), p.frontendsChanged());
        assertEquals(List.of(), p.frontendsRebind());
        assertEquals(List.of("maxconn", "timeout client", "acl", "tcp-request"), p.frontendSettings().get("fe"));
        assertEquals(List.of("balance", "persist", "timeout server", "timeout queue", "retries", "option redispatch"),
                p.backendSettings().get("web"));
        assertEquals(List.of("maxconn", "nbthread", "hard-stop-after"), p.globalSettings());
        assertEquals(List.of("whole section"), p.adminSettings());
        assertEquals(List.of("vrrp vi1 added"), p.vrrpChanges());
        ConfigDiff.Plan vrrpEdit = ConfigDiff.diff(parse(next), parse(next.replace("priority 100", "priority 90")));
        assertEquals(List.of("vrrp vi1 changed: priority"), vrrpEdit.vrrpChanges());
        assertTrue(vrrpEdit.vrrpChanged() && vrrpEdit.backendsChanged().isEmpty());
    }

    @Test
    void tcpCheckBinaryPayloadIsComparedByContent() throws Exception {
        String withCheck = BASE.replace("balance leastconn", """
                balance leastconn
                    option tcp-check
                    tcp-check send-binary 50494e470d0a
                    tcp-check expect string +PONG""");
        ConfigDiff.Plan same = ConfigDiff.diff(parse(withCheck), parse(withCheck));
        assertTrue(same.isEmpty(), same.describe().toString());
        ConfigDiff.Plan other = ConfigDiff.diff(parse(withCheck), parse(withCheck.replace("50494e470d0a", "50494e470d0b")));
        assertEquals(List.of("health check method (option httpchk/tcp-check/...)"), other.backendSettings().get("db"));
    }
}
