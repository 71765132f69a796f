package io.l4lb.health;

import io.l4lb.core.state.AdminState;
import java.util.Locale;

/**
 * A parsed HAProxy agent-check reply (configuration.txt, "agent-check"): words separated by
 * spaces, tabs or commas; {@code up}/{@code down}/{@code fail}/{@code stopped} give the operational
 * state, {@code ready}/{@code drain}/{@code maint} the administrative one, {@code N%} the weight
 * relative to the configured weight, {@code maxconn:N} is accepted and ignored, and {@code #}
 * starts a free-text description. Unknown words are ignored as HAProxy does. Fields are null
 * when the reply did not say.
 */
public record AgentReply(Boolean up, AdminState admin, Integer weightPercent, String description) {

    public static AgentReply parse(String line) {
        Boolean up = null;
        AdminState admin = null;
        Integer percent = null;
        String description = null;
        int hash = line.indexOf('#');
        if (hash >= 0) {
            description = line.substring(hash + 1).strip();
            line = line.substring(0, hash);
        }
        for (String raw : line.split("[ \t,]+")) {
            String w = raw.strip().toLowerCase(Locale.ROOT);
            if (w.isEmpty()) {
                continue;
            }
            switch (w) {
                case "up" -> up = Boolean.TRUE;
                case "down", "fail", "stopped" -> up = Boolean.FALSE;
                case "ready" -> admin = AdminState.READY;
                case "drain" -> admin = AdminState.DRAIN;
                case "maint" -> admin = AdminState.MAINT;
                default -> {
                    if (w.endsWith("%")) {
                        try {
                            int p = Integer.parseInt(w.substring(0, w.length() - 1));
                            if (p >= 0 && p <= 256) {
                                percent = p;
                            }
                        } catch (NumberFormatException ignored) {
                            // HAProxy ignores malformed words too
                        }
                    }
                }
            }
        }
        return new AgentReply(up, admin, percent, description);
    }
}
