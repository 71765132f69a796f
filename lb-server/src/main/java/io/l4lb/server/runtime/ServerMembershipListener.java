package io.l4lb.server.runtime;

import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;

/**
 * Told when a server joins or leaves a running backend (admin API, reload), so per-server
 * services such as health checks follow. Called on the control plane, after the backend changed.
 */
public interface ServerMembershipListener {
    void serverAdded(BackendRuntime backend, ServerRuntime server);

    void serverRemoved(BackendRuntime backend, ServerRuntime server);

    /**
     * A reload gave a server new settings at the same address: {@code next} took {@code old}'s
     * place (and its health state, see {@code ServerRuntime(config, address, previous)}).
     */
    default void serverReplaced(BackendRuntime backend, ServerRuntime old, ServerRuntime next) {
        serverRemoved(backend, old);
        serverAdded(backend, next);
    }

    /**
     * A reload changed the backend's check settings (check method, {@code timeout check}): its
     * servers' checks restart with them, keeping each server's health state.
     */
    default void checkSettingsChanged(BackendRuntime backend) {
    }

    ServerMembershipListener NONE = new ServerMembershipListener() {
        @Override
        public void serverAdded(BackendRuntime backend, ServerRuntime server) {
        }

        @Override
        public void serverRemoved(BackendRuntime backend, ServerRuntime server) {
        }
    };
}
