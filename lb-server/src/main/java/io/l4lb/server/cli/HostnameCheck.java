package io.l4lb.server.cli;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.Diagnostic;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ServerConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code l4lb check}'s DNS pass: every server host that is not an IP literal is looked up here,
 * all at once on virtual threads under one deadline. A name that does not resolve is a warning,
 * not an error: the production host may resolve it, and {@code run} resolves names at start and
 * reload (honouring {@code init-addr}).
 */
final class HostnameCheck {
    /** Looks a host name up; throws when it does not resolve. Tests pass a fake. */
    @FunctionalInterface
    interface Resolver {
        void resolve(String host) throws UnknownHostException;
    }

    static final Resolver SYSTEM = InetAddress::getAllByName;

    private final Resolver resolver;
    private final Duration deadline;

    HostnameCheck(Resolver resolver, Duration deadline) {
        this.resolver = resolver;
        this.deadline = deadline;
    }

    /** Warnings for the servers whose host does not resolve, in config order. */
    List<Diagnostic> check(L4Config config) {
        Map<String, List<ServerConfig>> byHost = new LinkedHashMap<>();
        for (BackendConfig b : config.backends().values()) {
            for (ServerConfig s : b.servers()) {
                if (!isIpLiteral(s.host())) {
                    byHost.computeIfAbsent(s.host(), h -> new ArrayList<>()).add(s);
                }
            }
        }
        List<Diagnostic> out = new ArrayList<>();
        if (byHost.isEmpty()) {
            return out;
        }
        Map<String, CompletableFuture<String>> results = new LinkedHashMap<>();
        // Not try-with-resources: close() would wait for a hung getaddrinfo; virtual threads
        // left behind after the deadline do not keep the JVM alive.
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (String host : byHost.keySet()) {
                results.put(host, CompletableFuture.supplyAsync(() -> {
                    try {
                        resolver.resolve(host);
                        return null;
                    } catch (UnknownHostException e) {
                        return "does not resolve here";
                    }
                }, pool));
            }
            long end = System.nanoTime() + deadline.toNanos();
            for (var e : results.entrySet()) {
                String problem;
                try {
                    problem = e.getValue().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException te) {
                    problem = "did not resolve within " + deadline.toMillis() + " ms";
                } catch (ExecutionException ee) {
                    problem = "could not be looked up (" + ee.getCause() + ")";
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    problem = "lookup interrupted";
                }
                if (problem != null) {
                    for (ServerConfig s : byHost.get(e.getKey())) {
                        out.add(new Diagnostic(Diagnostic.Severity.WARNING, s.pos(), "server", "server '" + s.name()
                                + "': host '" + e.getKey() + "' " + problem + "; the production host may resolve it "
                                + "(l4lb resolves it at start and on reload, init-addr " + String.join(",",
                                s.options().initAddr()) + ")"));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        out.sort(java.util.Comparator.comparing((Diagnostic d) -> d.pos().file())
                .thenComparingInt(d -> d.pos().line()).thenComparingInt(d -> d.pos().col()));
        return out;
    }

    /** IP literals never need DNS: dotted quads and anything with a colon (IPv6). */
    static boolean isIpLiteral(String h) {
        return h.contains(":") || h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
