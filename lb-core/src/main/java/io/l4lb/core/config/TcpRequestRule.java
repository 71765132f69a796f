package io.l4lb.core.config;

/**
 * {@code tcp-request connection|content accept|reject [if|unless COND]}. Rules run in order; the
 * first whose condition matches decides. A null condition always matches.
 */
public record TcpRequestRule(Phase phase, Action action, Condition condition, SourcePos pos) {
    public enum Phase { CONNECTION, CONTENT }

    public enum Action { ACCEPT, REJECT }
}
