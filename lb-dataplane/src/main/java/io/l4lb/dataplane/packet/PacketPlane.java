package io.l4lb.dataplane.packet;

import io.l4lb.core.time.NanoClock;
import io.l4lb.dataplane.packet.flow.ConnectionTable;
import io.l4lb.dataplane.packet.flow.PersistenceTemplates;

/**
 * What every packet worker shares: the service table (swapped whole by the control plane), the
 * ARP-answering flag, the persistence templates and the counters. Each worker gets its own
 * {@link PacketEngine} with its own connection table from {@link #newWorker}.
 *
 * <p>ARP answering: standalone the LB always answers who-has for its VIPs; in a VRRP pair the VRRP
 * state machine sets it true on becoming MASTER and false on leaving it, so only one node claims
 * the VIPs. A volatile flag read per ARP request.
 */
public final class PacketPlane {
    private final EngineConfig config;
    private final EngineCounters counters = new EngineCounters();
    private final PersistenceTemplates templates;
    private volatile ServiceTable services = ServiceTable.EMPTY;
    private volatile boolean answering;

    public PacketPlane(EngineConfig config, boolean answering) {
        this.config = config;
        this.answering = answering;
        this.templates = new PersistenceTemplates(config.templateCapacity());
    }

    public EngineConfig config() {
        return config;
    }

    public EngineCounters counters() {
        return counters;
    }

    public PersistenceTemplates templates() {
        return templates;
    }

    public ServiceTable services() {
        return services;
    }

    /** Control plane: publish a new service table (config load or reload). */
    public void setServices(ServiceTable t) {
        this.services = t;
    }

    public boolean answering() {
        return answering;
    }

    /** VRRP: true while MASTER. Standalone: leave it true. */
    public void setAnswering(boolean on) {
        this.answering = on;
    }

    /** A worker's engine with its own connection table; use it from one thread only. */
    public PacketEngine newWorker(NanoClock clock) {
        return new PacketEngine(this, new ConnectionTable(config.maxFlowsPerWorker(), config.timeouts(), templates),
                clock);
    }
}
