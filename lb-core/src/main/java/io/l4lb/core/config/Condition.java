package io.l4lb.core.config;

import java.util.List;

/**
 * HAProxy condition after {@code if} / {@code unless}: an OR of AND-groups of terms
 * ({@code if a b || !c { src 10.0.0.0/8 }}). Each term names an ACL (all definitions of one name
 * are OR-ed, as in HAProxy) or carries an anonymous inline ACL.
 */
public record Condition(boolean unless, List<List<Term>> anyOf, SourcePos pos) {
    public Condition {
        anyOf = anyOf.stream().map(List::copyOf).toList();
    }

    /** One term: {@code negated} for a leading {@code !}; exactly one of aclName and inline is set. */
    public record Term(boolean negated, String aclName, AclConfig inline) {}
}
