package io.l4lb.server.cli.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code l4lb ctl show servers}: ActiveConn/InActConn come from the server's current/inactive sessions. */
class ServerTableTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void drServersShowActiveAndInactiveConnectionsUnderTheirVirtualService() throws Exception {
        JsonNode frontends = mapper.readTree("""
                [{"name":"web","binds":["10.0.0.100:80"],"default_backend":"farm"}]""");
        JsonNode backends = mapper.readTree("""
                [{"name":"farm","scheduler":"wlc","servers":[
                  {"name":"rs1","address":"10.0.0.11","port":80,"forward":"dr","weight":1,"state":"UP",
                   "stats":{"current_sessions":2,"inactive_sessions":5}},
                  {"name":"rs2","address":"10.0.0.12","port":80,"forward":"dr","weight":3,"state":"UP",
                   "stats":{"current_sessions":6,"inactive_sessions":0}}]}]""");
        List<String> lines = Arrays.asList(ServerTable.render(frontends, backends).split("\n"));
        assertEquals("TCP  10.0.0.100:80 wlc", lines.get(2));
        assertEquals(List.of("->", "10.0.0.11:80", "Route", "1", "2", "5", "rs1", "UP"), fields(lines.get(3)));
        assertEquals(List.of("->", "10.0.0.12:80", "Route", "3", "6", "0", "rs2", "UP"), fields(lines.get(4)));
        assertEquals(List.of("->", "RemoteAddress:Port", "Forward", "Weight", "ActiveConn", "InActConn", "Name", "State"),
                fields(lines.get(1)));
    }

    private static List<String> fields(String line) {
        return Arrays.asList(line.trim().split("\\s+"));
    }
}
