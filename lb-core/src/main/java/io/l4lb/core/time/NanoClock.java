package io.l4lb.core.time;

/**
 * Monotonic time source, injected everywhere timers run (health intervals, VRRP timers, idle
 * timeouts) so tests advance a fake clock instead of sleeping.
 */
@FunctionalInterface
public interface NanoClock {
    /** Monotonic nanoseconds, same contract as {@link System#nanoTime()}. */
    long nanoTime();

    NanoClock SYSTEM = System::nanoTime;
}
