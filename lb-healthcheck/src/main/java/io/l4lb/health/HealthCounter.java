package io.l4lb.health;

import io.l4lb.core.config.ServerConfig.InitState;

/**
 * HAProxy's single rise/fall health counter ({@code struct check.health} in check-t.h, updated as
 * in check.c): {@code health} runs from 0 to {@code rise + fall - 1}; the server is up while
 * {@code health >= rise}. A pass while up refills the counter; a failure while up decrements it
 * and the failure that finds it at exactly {@code rise} drops it to 0 (down). So {@code fall}
 * consecutive failures take a fully-up server down and {@code rise} consecutive passes bring a
 * fully-down one up; anything in between is "going up" / "going down" (HAProxy's transitional
 * states, during which {@code fastinter} applies). Pure and single-threaded: the owning event
 * loop calls it.
 */
public final class HealthCounter {
    /** What one event did to the up/down state. */
    public enum Change { NONE, WENT_UP, WENT_DOWN }

    private final int rise;
    private final int fall;
    private int health;

    public HealthCounter(int rise, int fall, InitState init) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be >= 1: rise " + rise + ", fall " + fall);
        }
        this.rise = rise;
        this.fall = fall;
        // init-state (HAProxy 2.8+): fully-up needs `fall` failures to go down, up only one;
        // down needs one pass to come up, fully-down `rise` passes.
        this.health = switch (init) {
            case FULLY_UP -> rise + fall - 1;
            case UP -> rise;
            case DOWN -> rise - 1;
            case FULLY_DOWN -> 0;
        };
    }

    /**
     * Reload: a counter for new settings starting from a previous counter's position, so an UP
     * server stays UP and a DOWN one DOWN. The position is re-expressed against the new rise/fall:
     * fully up stays fully up, up keeps its remaining failures (at most the new fall), down keeps
     * its passes so far (at most rise - 1).
     */
    public static HealthCounter continuing(int rise, int fall, HealthCounter previous) {
        HealthCounter c = new HealthCounter(rise, fall, InitState.FULLY_DOWN);
        if (previous.health == previous.max()) {
            c.health = c.max();
        } else if (previous.up()) {
            int failuresLeft = previous.health - previous.rise + 1; // failures until down
            c.health = rise + Math.min(fall, failuresLeft) - 1;
        } else {
            c.health = Math.min(rise - 1, previous.health);
        }
        return c;
    }

    public boolean up() {
        return health >= rise;
    }

    public int health() {
        return health;
    }

    public int rise() {
        return rise;
    }

    public int fall() {
        return fall;
    }

    private int max() {
        return rise + fall - 1;
    }

    /** Neither fully up nor fully down: HAProxy then checks at {@code fastinter}. */
    public boolean transitional() {
        return health != 0 && health != max();
    }

    public Change pass() {
        if (health >= rise) {
            health = max();
            return Change.NONE;
        }
        health++;
        return health >= rise ? Change.WENT_UP : Change.NONE;
    }

    public Change fail() {
        if (health > rise) {
            health--;
            return Change.NONE;
        }
        boolean wasUp = health == rise;
        health = 0;
        return wasUp ? Change.WENT_DOWN : Change.NONE;
    }

    /** {@code on-error sudden-death}: one more failure marks the server down, then that failure. */
    public Change suddenDeath() {
        if (health > rise) {
            health = rise + 1;
        }
        return fail();
    }

    /** {@code on-error mark-down}: down now. */
    public Change markDown() {
        if (health >= rise) {
            health = rise;
        }
        return fail();
    }

    /** Leaving maintenance: HAProxy starts the server up but one failure away from down, checked at once. */
    public void resetForMaintExit() {
        health = rise;
    }
}
