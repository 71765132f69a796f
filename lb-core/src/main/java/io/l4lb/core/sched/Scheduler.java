package io.l4lb.core.sched;

/**
 * Picks a real server for a new connection or flow. An instance is an immutable snapshot of the
 * server list built off the hot path; membership, state or weight changes build a new instance
 * that is published with one atomic swap. {@link #pick} is lock-free and safe to call from any
 * number of event-loop or packet threads at once.
 */
public interface Scheduler {
    /**
     * @param flowHash hash of the client address (sh, mh use it; others ignore it)
     * @return an index into the snapshot's server list, or -1 when no server can be picked
     */
    int pick(int flowHash);

    /**
     * The {@link ServerLoad} of the server at {@code index} changed (a connection opened or
     * closed). Least-connection schedulers reposition it; the default does nothing.
     */
    default void loadChanged(int index) {
    }
}
