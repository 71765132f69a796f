package io.l4lb.core.sched;

import java.util.List;

/** Builds a scheduler snapshot over an ordered server list. Called on the control plane only. */
@FunctionalInterface
public interface SchedulerFactory {
    Scheduler create(List<SchedServer> servers);
}
