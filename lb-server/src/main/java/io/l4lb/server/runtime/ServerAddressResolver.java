package io.l4lb.server.runtime;

import io.l4lb.core.config.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Resolves a server's address at start, honouring {@code init-addr} (HAProxy semantics, tried in
 * order): {@code libc} asks the system resolver, an IP literal is used as is, {@code none} gives
 * up (the server starts DOWN), {@code last} needs a server-state file l4lb does not keep (skipped).
 * A server whose name resolves nowhere is never dropped: it is kept with a null address, which
 * makes it not usable ("address not resolved") until a later resolution succeeds.
 */
public final class ServerAddressResolver {
    /** Name -> address lookup; tests pass a fake. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress lookup(String host) throws UnknownHostException;
    }

    public static final Lookup SYSTEM = InetAddress::getByName;

    private final Lookup lookup;

    public ServerAddressResolver(Lookup lookup) {
        this.lookup = lookup;
    }

    /** The server's socket address, or null when {@code init-addr} found none. */
    public InetSocketAddress resolve(ServerConfig s) {
        if (isLiteral(s.host())) {
            return new InetSocketAddress(InetAddress.ofLiteral(s.host()), s.port());
        }
        for (String method : s.options().initAddr()) {
            switch (method) {
                case "libc" -> {
                    try {
                        return new InetSocketAddress(lookup.lookup(s.host()), s.port());
                    } catch (UnknownHostException e) {
                        // try the next method
                    }
                }
                case "none" -> {
                    return null;
                }
                case "last" -> { } // no server-state file
                default -> {
                    if (isLiteral(method)) {
                        return new InetSocketAddress(InetAddress.ofLiteral(method), s.port());
                    }
                }
            }
        }
        return null;
    }

    static boolean isLiteral(String host) {
        try {
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
