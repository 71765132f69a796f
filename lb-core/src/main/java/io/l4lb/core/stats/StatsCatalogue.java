package io.l4lb.core.stats;

import io.l4lb.core.state.ServerRuntime;
import java.util.List;

/**
 * The one list of stats l4lb exposes (HAProxy {@code stat_cols[]}): the Prometheus endpoint, the
 * JSON API and the stats page all iterate these lists, so a stat added here appears everywhere.
 * Names follow HAProxy's CSV columns where one exists ({@code scur}, {@code stot}, {@code bin},
 * {@code bout}, {@code econ}, {@code wretr}, {@code wredis}, {@code qcur}).
 */
public final class StatsCatalogue {
    private StatsCatalogue() {
    }

    public static final List<StatField<FrontendCounters>> FRONTEND = List.of(
            new StatField<FrontendCounters>("current_sessions", "Current client connections (scur).",
                    StatType.GAUGE, StatScope.FRONTEND, c -> c.connectionsActive.get()),
            new StatField<FrontendCounters>("sessions_total", "Client connections accepted (stot).",
                    StatType.COUNTER, StatScope.FRONTEND, c -> c.connectionsTotal.sum()),
            new StatField<FrontendCounters>("bytes_in_total", "Bytes received from clients (bin).",
                    StatType.COUNTER, StatScope.FRONTEND, c -> c.bytesIn.sum()),
            new StatField<FrontendCounters>("bytes_out_total", "Bytes sent to clients (bout).",
                    StatType.COUNTER, StatScope.FRONTEND, c -> c.bytesOut.sum()),
            new StatField<FrontendCounters>("denied_connections_total",
                    "Connections rejected by tcp-request rules (dcon).",
                    StatType.COUNTER, StatScope.FRONTEND, c -> c.denied.sum()),
            new StatField<FrontendCounters>("connection_errors_total",
                    "Client connections closed because no server could be reached (econ).",
                    StatType.COUNTER, StatScope.FRONTEND, c -> c.connectErrors.sum()),
            new StatField<FrontendCounters>("retry_warnings_total", "Connect retries (wretr).",
                    StatType.COUNTER, StatScope.FRONTEND, c -> c.retries.sum()),
            new StatField<FrontendCounters>("redispatch_warnings_total",
                    "Retries redispatched to another server (wredis).",
                    StatType.COUNTER, StatScope.FRONTEND, c -> c.redispatches.sum()),
            new StatField<FrontendCounters>("inactive_sessions",
                    "Tracked dr/tunnel flows not established (LVS InActConn; 0 in proxy mode).",
                    StatType.GAUGE, StatScope.FRONTEND, c -> c.connectionsInactive.get()),
            new StatField<FrontendCounters>("packets_total",
                    "Packets forwarded to real servers by the dr/tunnel packet plane (0 in proxy mode).",
                    StatType.COUNTER, StatScope.FRONTEND, c -> c.packets.sum()));

    public static final List<StatField<ServerRuntime>> SERVER = List.of(
            new StatField<ServerRuntime>("current_sessions", "Open connections to the server (scur).",
                    StatType.GAUGE, StatScope.SERVER, s -> s.load().active()),
            new StatField<ServerRuntime>("sessions_total", "Connections assigned to the server (stot).",
                    StatType.COUNTER, StatScope.SERVER, s -> s.counters().connectionsTotal.sum()),
            new StatField<ServerRuntime>("bytes_in_total", "Bytes sent to the server from clients (bin).",
                    StatType.COUNTER, StatScope.SERVER, s -> s.counters().bytesIn.sum()),
            new StatField<ServerRuntime>("bytes_out_total", "Bytes received from the server (bout).",
                    StatType.COUNTER, StatScope.SERVER, s -> s.counters().bytesOut.sum()),
            new StatField<ServerRuntime>("connection_errors_total", "Failed connect attempts (econ).",
                    StatType.COUNTER, StatScope.SERVER, s -> s.counters().connectErrors.sum()),
            new StatField<ServerRuntime>("retry_warnings_total", "Connect retries to the server (wretr).",
                    StatType.COUNTER, StatScope.SERVER, s -> s.counters().retries.sum()),
            new StatField<ServerRuntime>("redispatch_warnings_total",
                    "Connections redispatched away from the server after a failure (wredis).",
                    StatType.COUNTER, StatScope.SERVER, s -> s.counters().redispatches.sum()),
            new StatField<ServerRuntime>("current_queue", "Connections queued for the server (qcur).",
                    StatType.GAUGE, StatScope.SERVER, s -> s.counters().queueCurrent.get()),
            new StatField<ServerRuntime>("queue_timeouts_total",
                    "Queued connections dropped after timeout queue.",
                    StatType.COUNTER, StatScope.SERVER, s -> s.counters().queueTimeouts.sum()),
            new StatField<ServerRuntime>("inactive_sessions",
                    "Tracked dr/tunnel flows to the server not established (LVS InActConn; 0 in proxy mode).",
                    StatType.GAUGE, StatScope.SERVER, s -> s.load().inactive()),
            new StatField<ServerRuntime>("packets_total",
                    "Packets forwarded to the server by the dr/tunnel packet plane (0 in proxy mode).",
                    StatType.COUNTER, StatScope.SERVER, s -> s.counters().packets.sum()),
            new StatField<ServerRuntime>("up", "1 when the server takes new connections.",
                    StatType.GAUGE, StatScope.SERVER, s -> s.usable() ? 1 : 0),
            new StatField<ServerRuntime>("weight", "Effective scheduling weight.",
                    StatType.GAUGE, StatScope.SERVER, ServerRuntime::effectiveWeight));

    /**
     * The dr/tunnel packet plane as a whole ({@link PacketPlaneStats}); the Prometheus prefix is
     * {@code l4lb_packet_}. The labelled {@code dropped_total{reason}} is rendered from
     * {@link PacketPlaneStats#dropped()}; per frontend, {@code l4lb_frontend_packets_dropped_total{reason}}
     * from {@link FrontendCounters#drops}.
     */
    public static final List<StatField<PacketPlaneStats>> PACKET = List.of(
            new StatField<PacketPlaneStats>("passed_total",
                    "Frames left to the kernel (not IPv4/ARP, not to a VIP, ICMP to a VIP).",
                    StatType.COUNTER, StatScope.PACKET, PacketPlaneStats::passed),
            new StatField<PacketPlaneStats>("arp_replies_total", "ARP replies sent for the VIPs.",
                    StatType.COUNTER, StatScope.PACKET, PacketPlaneStats::arpReplies),
            new StatField<PacketPlaneStats>("frag_needed_total",
                    "ICMP fragmentation-needed sent for packets too big for the tunnel (RFC 1191).",
                    StatType.COUNTER, StatScope.PACKET, PacketPlaneStats::fragNeededSent),
            new StatField<PacketPlaneStats>("flows_scheduled_total",
                    "New flows placed by the scheduler (TCP SYN, first UDP datagram).",
                    StatType.COUNTER, StatScope.PACKET, PacketPlaneStats::flowsScheduled),
            new StatField<PacketPlaneStats>("flows_recovered_total",
                    "Flows met mid-stream without a table entry, placed by the consistent (Maglev) lookup.",
                    StatType.COUNTER, StatScope.PACKET, PacketPlaneStats::flowsRecovered),
            new StatField<PacketPlaneStats>("flows_untracked_total",
                    "Flows forwarded without a table entry because the table was full of established flows.",
                    StatType.COUNTER, StatScope.PACKET, PacketPlaneStats::flowsUntracked));

    /**
     * Per VRRP instance ({@link VrrpStats}); the Prometheus prefix is {@code l4lb_vrrp_}. The
     * labelled {@code adverts_dropped_total{reason}} is rendered from {@link VrrpStats#dropped()}.
     */
    public static final List<StatField<VrrpStats>> VRRP = List.of(
            new StatField<VrrpStats>("state", "VRRP state: 0 initialize (stopped), 1 backup, 2 master.",
                    StatType.GAUGE, StatScope.VRRP, VrrpStats::stateCode),
            new StatField<VrrpStats>("priority", "Priority advertised now (configured minus track-backend weights).",
                    StatType.GAUGE, StatScope.VRRP, VrrpStats::priority),
            new StatField<VrrpStats>("configured_priority", "Priority of the configuration.",
                    StatType.GAUGE, StatScope.VRRP, VrrpStats::configuredPriority),
            new StatField<VrrpStats>("transitions_total", "State transitions (RFC 5798 section 6.4).",
                    StatType.COUNTER, StatScope.VRRP, VrrpStats::transitions),
            new StatField<VrrpStats>("adverts_sent_total", "Advertisements sent.",
                    StatType.COUNTER, StatScope.VRRP, VrrpStats::advertsSent),
            new StatField<VrrpStats>("adverts_received_total", "Valid advertisements received.",
                    StatType.COUNTER, StatScope.VRRP, VrrpStats::advertsReceived),
            new StatField<VrrpStats>("adverts_late_total",
                    "Advertisements sent more than a quarter interval late (GC pause, CPU starvation).",
                    StatType.COUNTER, StatScope.VRRP, VrrpStats::advertsLate),
            new StatField<VrrpStats>("gratuitous_arp_total", "Gratuitous ARP frames sent for the VIPs.",
                    StatType.COUNTER, StatScope.VRRP, VrrpStats::garpSent));
}
