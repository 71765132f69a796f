package io.l4lb.core.state;

/**
 * Closes live sessions on behalf of the health subsystem ({@code on-marked-down shutdown-sessions},
 * {@code on-marked-up shutdown-backup-sessions}). The dataplane registers one on each
 * {@link BackendRuntime}; implementations must not block (they are called from check event loops)
 * and should hand the closing over to the event loops owning the connections.
 */
public interface SessionTerminator {
    /** Close every live connection to {@code server} (it was marked down). */
    void shutdownSessions(BackendRuntime backend, ServerRuntime server);

    /** Close every live connection to the backup servers of {@code backend} (an active came back). */
    void shutdownBackupSessions(BackendRuntime backend);

    SessionTerminator NONE = new SessionTerminator() {
        @Override
        public void shutdownSessions(BackendRuntime backend, ServerRuntime server) {
        }

        @Override
        public void shutdownBackupSessions(BackendRuntime backend) {
        }
    };
}
