package io.l4lb.core.sched;

/**
 * One real server as a scheduler snapshot sees it: a stable name (hashing uses it, so Maglev
 * tables agree between two LBs with the same config), its effective weight when the snapshot was
 * built (0 = drain: never picked), its live load, and its connection limit ({@code maxconn},
 * 0 = unlimited; the {@code first} scheduler fills servers up to it, as HAProxy's does).
 */
public record SchedServer(String name, int weight, ServerLoad load, int maxconn) {
    public SchedServer {
        if (weight < 0) {
            throw new IllegalArgumentException("weight < 0: " + weight);
        }
        if (maxconn < 0) {
            throw new IllegalArgumentException("maxconn < 0: " + maxconn);
        }
    }

    /** A server without a connection limit (maxconn 0 = unlimited). */
    public SchedServer(String name, int weight, ServerLoad load) {
        this(name, weight, load, 0);
    }
}
