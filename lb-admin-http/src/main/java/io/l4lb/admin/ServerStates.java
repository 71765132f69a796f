package io.l4lb.admin;

import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.ServerRuntime;

/**
 * The one-word state of a server shown by every renderer (HAProxy's {@code status} column):
 * MAINT and DRAIN are the operator's; DOWN = failed checks or unresolved address; NOLB = healthy
 * but taking no new connections (weight 0, agent drain/maint); UP otherwise.
 */
public final class ServerStates {
    private ServerStates() {
    }

    public static String of(ServerRuntime s) {
        return switch (s.adminState()) {
            case MAINT -> "MAINT";
            case DRAIN -> "DRAIN";
            case READY -> {
                if (!s.healthUp() || s.address() == null) {
                    yield "DOWN";
                }
                yield s.agentState() != AdminState.READY || s.weight() == 0 ? "NOLB" : "UP";
            }
        };
    }
}
