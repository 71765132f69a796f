package io.l4lb.dataplane.proxy;

import io.l4lb.dataplane.proxy.acl.ConnSamples;

import io.l4lb.core.config.BackendRule;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.TcpRequestRule;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.core.time.NanoClock;
import io.l4lb.dataplane.proxy.acl.AclCompiler;
import io.l4lb.dataplane.proxy.acl.ConnPredicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One frontend as the proxy runs it: its rules compiled once, the backends it can route to, its
 * counters and connection limits. Immutable after construction; shared by all its connections.
 * A reload that changes only rules, timeouts or maxconn builds a new one over the same counters
 * and limiter (see {@link ProxyEngine#updateFrontend}); sessions keep the one they started with.
 */
final class FrontendRuntime {
    record Rule(ConnPredicate when, boolean accept) {}

    /** tcp-request rules in order: the first whose condition matches decides; none matching accepts. */
    static boolean accepts(List<Rule> rules, ConnSamples samples) {
        for (Rule r : rules) {
            if (r.when().test(samples)) {
                return r.accept();
            }
        }
        return true;
    }

    record Route(ConnPredicate when, BackendSlot backend) {}

    final FrontendConfig config;
    final FrontendCounters counters;
    final List<Rule> connectionRules = new ArrayList<>();
    final List<Rule> contentRules = new ArrayList<>();
    final List<Route> routes = new ArrayList<>();
    final BackendSlot defaultBackend;
    /** True when some rule needs the TLS ClientHello and {@code tcp-request inspect-delay} is set. */
    final boolean inspect;
    final long inspectDelayNanos;
    final ConnectionLimiter globalLimit;
    final ConnectionLimiter frontendLimit;
    final ProxyTransport transport;
    final PassiveObservationSink sink;
    final NanoClock clock;

    FrontendRuntime(FrontendConfig config, FrontendCounters counters, Map<String, BackendSlot> backends,
                    ConnectionLimiter globalLimit, ProxyTransport transport, PassiveObservationSink sink,
                    NanoClock clock) {
        this(config, counters, backends, globalLimit, new ConnectionLimiter(config.maxconn()), transport, sink, clock);
    }

    FrontendRuntime(FrontendConfig config, FrontendCounters counters, Map<String, BackendSlot> backends,
                    ConnectionLimiter globalLimit, ConnectionLimiter frontendLimit, ProxyTransport transport,
                    PassiveObservationSink sink, NanoClock clock) {
        this.config = config;
        this.counters = counters;
        this.globalLimit = globalLimit;
        this.frontendLimit = frontendLimit;
        this.transport = transport;
        this.sink = sink;
        this.clock = clock;
        AclCompiler acl = new AclCompiler(config.acls());
        boolean needsHello = false;
        for (TcpRequestRule r : config.tcpRequestRules()) {
            Rule compiled = new Rule(acl.compile(r.condition()), r.action() == TcpRequestRule.Action.ACCEPT);
            if (r.phase() == TcpRequestRule.Phase.CONNECTION) {
                connectionRules.add(compiled);
            } else {
                contentRules.add(compiled);
                needsHello |= acl.needsHello(r.condition());
            }
        }
        for (BackendRule r : config.useBackend()) {
            BackendSlot b = backends.get(r.backend());
            if (b == null) {
                throw new IllegalArgumentException("frontend '" + config.name() + "': use_backend to unknown backend '"
                        + r.backend() + "'");
            }
            routes.add(new Route(acl.compile(r.condition()), b));
            needsHello |= acl.needsHello(r.condition());
        }
        this.defaultBackend = config.defaultBackend() == null ? null : backends.get(config.defaultBackend());
        if (config.defaultBackend() != null && defaultBackend == null) {
            throw new IllegalArgumentException("frontend '" + config.name() + "': unknown default_backend '"
                    + config.defaultBackend() + "'");
        }
        this.inspectDelayNanos = config.inspectDelay() == null ? 0 : config.inspectDelay().toNanos();
        this.inspect = needsHello && inspectDelayNanos > 0;
    }

    /** HAProxy use_backend: the first rule whose condition matches wins, else default_backend (may be null). */
    BackendContext backendFor(ConnSamples samples) {
        for (Route r : routes) {
            if (r.when().test(samples)) {
                return r.backend().current();
            }
        }
        return defaultBackend == null ? null : defaultBackend.current();
    }
}
