package io.l4lb.dataplane.proxy;

import io.l4lb.core.time.NanoClock;

/**
 * The current {@link BackendContext} of one backend, as the frontends' routing rules see it. A
 * reload publishes the context of the backend's new settings here with one volatile write; a new
 * connection reads it once when it is routed and keeps that context for its whole life, so live
 * connections finish under the settings they started with. One per backend per engine.
 */
final class BackendSlot {
    private volatile BackendContext current;

    BackendSlot(BackendContext first) {
        this.current = first;
    }

    /** Hot path: one volatile read. */
    BackendContext current() {
        return current;
    }

    /** Control plane (reload): rebuild from the runtime's current settings, same gates. */
    synchronized void refresh(NanoClock clock) {
        // The new context registers itself as the backend's session terminator (same gates).
        current = current.next(clock);
    }
}
