package io.l4lb.server.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code l4lb ctl show vrrp}: one row per VRRP instance from {@code /api/vrrp} (state, advertised
 * and configured priority, counters), then the non-zero drop counters by reason.
 */
public final class VrrpTable {
    private static final String ROW = "%-12s %-10s %4s %-10s %4s %4s %11s %10s %10s %5s %7s%n";

    private VrrpTable() {
    }

    public static String render(JsonNode instances) {
        if (instances.isEmpty()) {
            return "no vrrp instances\n";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(ROW, "Name", "Interface", "VRID", "State", "Prio", "Conf", "Transitions",
                "AdvSent", "AdvRecv", "Late", "Dropped"));
        for (JsonNode v : instances) {
            JsonNode st = v.path("stats");
            sb.append(String.format(ROW, v.path("name").asText(), v.path("interface").asText(),
                    v.path("vrid").asText(), v.path("state").asText(), v.path("priority").asText(),
                    v.path("configured_priority").asText(), st.path("transitions_total").asText(),
                    st.path("adverts_sent_total").asText(), st.path("adverts_received_total").asText(),
                    st.path("adverts_late_total").asText(), st.path("adverts_dropped_total").asText()));
        }
        for (JsonNode v : instances) {
            List<String> nonZero = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : v.path("adverts_dropped").properties()) {
                if (e.getValue().asLong() != 0) {
                    nonZero.add(e.getKey() + "=" + e.getValue().asLong());
                }
            }
            if (!nonZero.isEmpty()) {
                sb.append("  ").append(v.path("name").asText()).append(" dropped: ")
                        .append(String.join(" ", nonZero)).append('\n');
            }
        }
        return sb.toString();
    }
}
