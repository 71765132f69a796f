package io.l4lb.dataplane.proxy.acl;

/** A compiled ACL or condition over {@link ConnSamples}; evaluation allocates nothing. */
@FunctionalInterface
public interface ConnPredicate {
    boolean test(ConnSamples s);

    ConnPredicate TRUE = s -> true;
    ConnPredicate FALSE = s -> false;
}
