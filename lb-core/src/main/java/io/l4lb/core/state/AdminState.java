package io.l4lb.core.state;

/**
 * Operator-set state of a server (HAProxy's {@code set server ... state}): READY serves, DRAIN takes
 * no new connections but keeps live ones and is still checked, MAINT is out and not checked.
 * Checks never change it.
 */
public enum AdminState { READY, DRAIN, MAINT }
