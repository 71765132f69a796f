package io.l4lb.core.config;

/**
 * One {@code bind} line address: {@code host} is null for "any" ({@code :port}, {@code *:port});
 * {@code "::"} for {@code :::port}. A port range binds every port from low to high inclusive.
 */
public record BindConfig(String host, int portLow, int portHigh, boolean v4v6, boolean v6only,
                         boolean acceptProxy, String name, SourcePos pos) {
    public static BindConfig of(String host, int port) {
        return new BindConfig(host, port, port, false, false, false, null, SourcePos.NONE);
    }
}
