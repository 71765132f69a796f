package io.l4lb.dataplane.proxy;

/**
 * The global and frontend {@code maxconn} slots one session holds, taken in that order as
 * HAProxy counts them (a connection over the global limit never takes a frontend slot).
 * Threading: the session's event loop only.
 */
final class FrontendSlots {
    private final ConnectionLimiter global;
    private final ConnectionLimiter frontend;
    private int held; // 0 none, 1 global, 2 global + frontend

    FrontendSlots(ConnectionLimiter global, ConnectionLimiter frontend) {
        this.global = global;
        this.frontend = frontend;
    }

    /** Takes the slots still missing; returns the limiter to wait on, or null once both are held. */
    ConnectionLimiter tryAcquire() {
        if (held == 0) {
            if (!global.tryAcquire()) {
                return global;
            }
            held = 1;
        }
        if (held == 1) {
            if (!frontend.tryAcquire()) {
                return frontend;
            }
            held = 2;
        }
        return null;
    }

    /** The limiter this session waited on handed it its slot. */
    void granted() {
        held++;
    }

    void releaseAll() {
        if (held >= 2) {
            frontend.release();
        }
        if (held >= 1) {
            global.release();
        }
        held = 0;
    }
}
