package io.l4lb.server.cli;

/** Build and library versions. */
public final class Version {
    public static final String L4LB = "0.1.0-SNAPSHOT";

    private Version() {
    }

    public static String netty() {
        var v = io.netty.util.Version.identify().get("netty-common");
        return v == null ? "unknown" : v.artifactVersion();
    }
}
