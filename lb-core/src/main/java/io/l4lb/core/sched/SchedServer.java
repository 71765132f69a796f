package io.l4lb.core.sched;

/**
 * One real server as a scheduler snapshot sees it: a stable name (hashing uses it, so Maglev
 * tables agree between two LBs with the same config), its effective weight when the snapshot was
 * built (0 = drain: never picked), and its live load.
 */
public record SchedServer(String name, int weight, ServerLoad load) {
    public SchedServer {
        if (weight < 0) {
            throw new IllegalArgumentException("weight < 0: " + weight);
        }
    }
}
