package io.l4lb.dataplane.proxy;

import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import io.l4lb.core.state.SessionTerminator;

/**
 * The proxy's {@link SessionTerminator} for one backend (registered by {@link BackendContext}):
 * {@code on-marked-down shutdown-sessions} closes the live connections of a server marked down,
 * {@code on-marked-up shutdown-backup-sessions} closes those of the backup servers once an active
 * one is back, so their clients reconnect to it (HAProxy {@code srv_shutdown_streams} /
 * {@code srv_shutdown_backup_streams}). Called from check event loops: never blocks, the closing
 * runs on the loops owning the sessions.
 */
final class SessionShutdown implements SessionTerminator {
    private static final System.Logger LOG = System.getLogger(SessionShutdown.class.getName());
    private final BackendContext context;

    SessionShutdown(BackendContext context) {
        this.context = context;
    }

    @Override
    public void shutdownSessions(BackendRuntime backend, ServerRuntime server) {
        ServerGate g = context.existingGate(server);
        if (g != null) {
            g.live().closeAll(n -> logClosed(backend, server, n, "shutdown-sessions"));
        }
    }

    @Override
    public void shutdownBackupSessions(BackendRuntime backend) {
        for (ServerRuntime s : backend.servers()) {
            if (s.config().options().backup()) {
                ServerGate g = context.existingGate(s);
                if (g != null) {
                    g.live().closeAll(n -> logClosed(backend, s, n, "shutdown-backup-sessions"));
                }
            }
        }
    }

    private static void logClosed(BackendRuntime backend, ServerRuntime server, int n, String why) {
        if (n > 0) {
            LOG.log(System.Logger.Level.INFO, "Server " + backend.name() + "/" + server.name() + ": " + n
                    + " session(s) closed (" + why + ")");
        }
    }
}
