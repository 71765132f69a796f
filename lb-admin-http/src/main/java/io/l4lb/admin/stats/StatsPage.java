package io.l4lb.admin.stats;

import io.l4lb.admin.RuntimeView;
import io.l4lb.admin.ServerStates;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.core.stats.PacketPlaneStats;
import io.l4lb.core.stats.StatField;
import io.l4lb.core.stats.StatsCatalogue;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The HTML stats page in the spirit of HAProxy's: one table per proxy (frontends, then backends
 * with one row per server), servers coloured by state, refreshed by a {@code <meta refresh>}.
 * Columns are the {@link StatsCatalogue} fields, so the page shows what /metrics and the API show.
 */
public final class StatsPage {
    private StatsPage() {
    }

    private static final String STYLE = """
            body{font-family:Arial,Helvetica,sans-serif;font-size:12px;background:#fff;color:#000}
            h1{font-size:16px;background:#20377f;color:#fff;padding:4px}
            table{border-collapse:collapse;margin-bottom:14px}
            th,td{border:1px solid #999;padding:2px 5px;text-align:right}
            th{background:#20377f;color:#fff} td.name{text-align:left;font-weight:bold}
            caption{text-align:left;font-weight:bold;font-size:13px;padding:3px;background:#b3c5ff}
            tr.fe{background:#dde} tr.be{background:#ccf}
            tr.UP{background:#c0ffc0} tr.DOWN{background:#ff9090} tr.DRAIN{background:#a0a0ff}
            tr.MAINT{background:#c07820} tr.NOLB{background:#e0e0a0}
            """;

    /** The whole page; {@code refresh} zero or null disables the auto-refresh. */
    public static String render(RuntimeView view, Duration refresh) {
        StringBuilder b = new StringBuilder(8192);
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>l4lb statistics</title>");
        if (refresh != null && !refresh.isZero()) {
            b.append("<meta http-equiv=\"refresh\" content=\"").append(Math.max(1, refresh.toSeconds())).append("\">");
        }
        b.append("<style>").append(STYLE).append("</style></head><body>");
        RuntimeView.ConfigInfo c = view.config();
        b.append("<h1>l4lb statistics</h1><p id=\"info\">config ").append(esc(c.source()))
                .append(", version ").append(c.version()).append(", generated ").append(Instant.now()).append("</p>");
        for (RuntimeView.Frontend fe : view.frontends()) {
            frontend(b, fe);
        }
        for (BackendRuntime be : view.backends()) {
            backend(b, be);
        }
        PacketPlaneStats p = view.packetPlane();
        if (p != null) {
            packet(b, p);
        }
        return b.append("</body></html>").toString();
    }

    private static void frontend(StringBuilder b, RuntimeView.Frontend fe) {
        b.append("<table class=\"proxy\" id=\"fe-").append(esc(fe.name())).append("\"><caption>frontend ")
                .append(esc(fe.name())).append("</caption><tr><th>name</th><th>status</th>");
        for (StatField<FrontendCounters> f : StatsCatalogue.FRONTEND) {
            b.append("<th title=\"").append(esc(f.help())).append("\">").append(esc(f.name())).append("</th>");
        }
        b.append("</tr><tr class=\"fe\"><td class=\"name\">FRONTEND</td><td>OPEN</td>");
        for (StatField<FrontendCounters> f : StatsCatalogue.FRONTEND) {
            b.append("<td>").append(f.read(fe.counters())).append("</td>");
        }
        b.append("</tr></table>");
        if (!fe.counters().drops.reasons().isEmpty()) {
            b.append("<table class=\"drops\" id=\"fe-drops-").append(esc(fe.name())).append("\"><caption>frontend ")
                    .append(esc(fe.name())).append(": packets dropped</caption><tr>");
            fe.counters().drops.snapshot().keySet().forEach(r -> b.append("<th>").append(esc(r)).append("</th>"));
            b.append("</tr><tr class=\"fe\">");
            fe.counters().drops.snapshot().values().forEach(v -> b.append("<td>").append(v).append("</td>"));
            b.append("</tr></table>");
        }
    }

    /** The dr/tunnel packet plane: its catalogue counters, then one column per drop reason. */
    private static void packet(StringBuilder b, PacketPlaneStats p) {
        b.append("<table class=\"proxy\" id=\"packet\"><caption>packet plane (dr/tunnel)</caption><tr>");
        for (StatField<PacketPlaneStats> f : StatsCatalogue.PACKET) {
            b.append("<th title=\"").append(esc(f.help())).append("\">").append(esc(f.name())).append("</th>");
        }
        p.dropped().keySet().forEach(r -> b.append("<th>dropped ").append(esc(r)).append("</th>"));
        b.append("</tr><tr class=\"fe\">");
        for (StatField<PacketPlaneStats> f : StatsCatalogue.PACKET) {
            b.append("<td>").append(f.read(p)).append("</td>");
        }
        p.dropped().values().forEach(v -> b.append("<td>").append(v).append("</td>"));
        b.append("</tr></table>");
    }

    private static void backend(StringBuilder b, BackendRuntime be) {
        b.append("<table class=\"proxy\" id=\"be-").append(esc(be.name())).append("\"><caption>backend ")
                .append(esc(be.name())).append(" (").append(esc(be.config().balance().keyword())).append(", ")
                .append(be.config().forward().name().toLowerCase(Locale.ROOT)).append(")</caption>")
                .append("<tr><th>name</th><th>address</th><th>status</th><th>check</th><th>bck</th>");
        for (StatField<ServerRuntime> f : StatsCatalogue.SERVER) {
            b.append("<th title=\"").append(esc(f.help())).append("\">").append(esc(f.name())).append("</th>");
        }
        b.append("</tr>");
        for (ServerRuntime s : be.servers()) {
            String state = ServerStates.of(s);
            b.append("<tr class=\"").append(state).append("\" data-server=\"").append(esc(s.name()))
                    .append("\" data-state=\"").append(state).append("\"><td class=\"name\">").append(esc(s.name()))
                    .append("</td><td>").append(esc(s.address() == null ? s.config().host() + " (unresolved)"
                            : s.address().getAddress().getHostAddress() + ":" + s.address().getPort())).append("</td><td class=\"state\">")
                    .append(state).append("</td><td>").append(esc(s.lastCheck().status())).append(' ')
                    .append(s.lastCheck().durationMillis()).append("ms</td><td>")
                    .append(s.config().options().backup() ? "Y" : "-").append("</td>");
            for (StatField<ServerRuntime> f : StatsCatalogue.SERVER) {
                b.append("<td>").append(f.read(s)).append("</td>");
            }
            b.append("</tr>");
        }
        b.append("<tr class=\"be\"><td class=\"name\">BACKEND</td><td></td><td>")
                .append(be.hasUsableServer() ? "UP" : "DOWN").append("</td><td colspan=\"")
                .append(2 + StatsCatalogue.SERVER.size()).append("\"></td></tr></table>");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder o = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> o.append("&lt;");
                case '>' -> o.append("&gt;");
                case '&' -> o.append("&amp;");
                case '"' -> o.append("&quot;");
                case '\'' -> o.append("&#39;");
                default -> o.append(ch);
            }
        }
        return o.toString();
    }
}
