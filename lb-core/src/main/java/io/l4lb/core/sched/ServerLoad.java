package io.l4lb.core.sched;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live connection counts of one real server, shared by every scheduler snapshot that contains it
 * (LVS {@code ip_vs_dest.activeconns / inactconns}). Proxy mode counts every open connection as
 * active; the packet engine counts established flows as active and the others as inactive.
 */
public final class ServerLoad {
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger inactive = new AtomicInteger();

    public int active() {
        return active.get();
    }

    public int inactive() {
        return inactive.get();
    }

    public int addActive(int delta) {
        return active.addAndGet(delta);
    }

    public int addInactive(int delta) {
        return inactive.addAndGet(delta);
    }
}
