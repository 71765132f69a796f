package io.l4lb.health;

import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import java.util.function.Consumer;

/**
 * One line per server state change, worded as HAProxy's (server.c {@code srv_append_status} and
 * friends), e.g. {@code Server be/srv is DOWN, reason: Layer4 connection problem, info:
 * "Connection refused", check duration: 1ms. 2 active and 0 backup servers left. 0 sessions
 * active, 0 requeued, 0 remaining in queue.} plus {@code backend be has no server available!}
 * when nothing usable remains. Lines go to a sink (tests collect them) and to
 * {@link System.Logger} ("io.l4lb.health": WARNING for down, INFO otherwise).
 */
public final class StateChangeLog {
    private static final System.Logger LOG = System.getLogger("io.l4lb.health");
    private final Consumer<String> sink;

    public StateChangeLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Logs the change of {@code server} (already applied to {@code backend}). */
    public void stateChanged(BackendRuntime backend, ServerRuntime server, boolean up, String reason, CheckResult r) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(server.config().options().backup() ? "Backup Server " : "Server ")
                .append(backend.name()).append('/').append(server.name())
                .append(up ? " is UP" : " is DOWN").append(", reason: ").append(reason);
        if (r != null) {
            if (r.code() >= 0) {
                sb.append(", code: ").append(r.code());
            }
            if (r.info() != null && !r.info().isEmpty()) {
                sb.append(", info: \"").append(r.info()).append('"');
            }
            if (r.status() != CheckStatus.HANA) {
                sb.append(", check duration: ").append(r.durationMillis()).append("ms");
            }
        }
        int act = 0;
        int bck = 0;
        for (ServerRuntime s : backend.servers()) {
            if (s.usable()) {
                if (s.config().options().backup()) {
                    bck++;
                } else {
                    act++;
                }
            }
        }
        sb.append(". ").append(act).append(" active and ").append(bck).append(" backup servers ")
                .append(up ? "online. 0 sessions requeued, 0 total in queue." : "left. "
                        + server.load().active() + " sessions active, 0 requeued, 0 remaining in queue.");
        emit(sb.toString(), !up);
        if (!up && act == 0 && bck == 0) {
            emit("backend " + backend.name() + " has no server available!", true);
        }
    }

    /** Admin-like changes asked by an agent ("Server be/srv is going DRAIN (agent)..."). */
    public void note(String line) {
        emit(line, false);
    }

    private void emit(String line, boolean warn) {
        LOG.log(warn ? System.Logger.Level.WARNING : System.Logger.Level.INFO, line);
        sink.accept(line);
    }
}
