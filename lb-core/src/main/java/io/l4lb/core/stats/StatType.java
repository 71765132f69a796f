package io.l4lb.core.stats;

/** How a stat behaves over time: Prometheus {@code counter} (only grows) or {@code gauge}. */
public enum StatType { COUNTER, GAUGE }
