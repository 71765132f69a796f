package io.l4lb.core.stats;

/** Which object a stat describes (HAProxy's FE/BE/SV columns of {@code stat_cols[]}). */
public enum StatScope { FRONTEND, BACKEND, SERVER, VRRP, PACKET }
