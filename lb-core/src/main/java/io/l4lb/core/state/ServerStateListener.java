package io.l4lb.core.state;

/** Told when a server's usability changes (health or admin state); runs on the control plane. */
@FunctionalInterface
public interface ServerStateListener {
    void onServerStateChange(BackendRuntime backend, ServerRuntime server, boolean usable, String reason);
}
