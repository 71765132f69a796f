package io.l4lb.dataplane.vrrp;

import java.util.Map;

/** A snapshot of one instance for {@code l4lb ctl}, the JSON API and the metrics. */
public record VrrpStatus(String name, String interfaceName, int vrid, VrrpStateMachine.State state, int priority,
                         int configuredPriority, long transitions, long advertsSent, long advertsReceived,
                         long advertsLate, long garpSent, Map<DropReason, Long> droppedByReason) {
    public VrrpStatus {
        droppedByReason = Map.copyOf(droppedByReason);
    }
}
