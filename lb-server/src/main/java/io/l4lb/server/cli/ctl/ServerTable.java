package io.l4lb.server.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * {@code l4lb ctl show servers} in the layout of {@code ipvsadm -Ln}: one block per virtual
 * service (frontend bind address, scheduler), one {@code ->} line per real server with its forward
 * style (Masq = proxy/NAT, Route = DR, Tunnel = IPIP), weight and connections, plus the server's
 * name and state, which ipvsadm does not have. ActiveConn/InActConn are the server's
 * {@code current_sessions}/{@code inactive_sessions}: for dr/tunnel the packet plane's established
 * and other tracked flows, as LVS counts them (and as lc/wlc weigh them). Proxy mode has no
 * "inactive" connections (ipvsadm's FIN_WAIT/TIME_WAIT entries), so InActConn is 0 there.
 */
public final class ServerTable {
    private ServerTable() {
    }

    public static String render(JsonNode frontends, JsonNode backends) {
        StringBuilder b = new StringBuilder();
        b.append("Prot LocalAddress:Port Scheduler Flags\n");
        b.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6s %-10s %-9s %-12s %s%n",
                "RemoteAddress:Port", "Forward", "Weight", "ActiveConn", "InActConn", "Name", "State"));
        Set<String> shown = new HashSet<>();
        for (JsonNode fe : frontends) {
            String beName = fe.path("default_backend").asText(null);
            JsonNode be = find(backends, beName);
            for (JsonNode bind : fe.path("binds")) {
                b.append(String.format(Locale.ROOT, "TCP  %s %s%n", bind.asText(),
                        be == null ? "-" : be.path("scheduler").asText()));
                if (be != null) {
                    servers(b, be);
                }
            }
            if (be != null) {
                shown.add(beName);
            }
        }
        for (JsonNode be : backends) {
            if (!shown.contains(be.path("name").asText())) {
                b.append(String.format(Locale.ROOT, "TCP  (backend %s) %s%n", be.path("name").asText(),
                        be.path("scheduler").asText()));
                servers(b, be);
            }
        }
        return b.toString();
    }

    private static void servers(StringBuilder b, JsonNode be) {
        for (JsonNode s : be.path("servers")) {
            String addr = s.path("address").isNull() ? s.path("name").asText() + "(unresolved)"
                    : hostPort(s.path("address").asText(), s.path("port").asInt());
            b.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-9d %-12s %s%n", addr,
                    forward(s.path("forward").asText()), s.path("weight").asInt(),
                    s.path("stats").path("current_sessions").asLong(),
                    s.path("stats").path("inactive_sessions").asLong(), s.path("name").asText(),
                    s.path("state").asText()));
        }
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    static String forward(String style) {
        return switch (style) {
            case "dr" -> "Route";
            case "tunnel" -> "Tunnel";
            default -> "Masq";
        };
    }

    private static JsonNode find(JsonNode backends, String name) {
        for (JsonNode be : backends) {
            if (be.path("name").asText().equals(name)) {
                return be;
            }
        }
        return null;
    }
}
