package io.l4lb.dataplane.proxy;

import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.PassiveObservationSink;
import io.l4lb.core.stats.FrontendCounters;
import io.l4lb.core.time.NanoClock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The proxy-mode (NAT) dataplane: one Netty event-loop group, the listening sockets of every
 * frontend, and the proxied connections. Lifecycle: {@link #addFrontend} for each frontend, then
 * {@link #start} (binds; fails loudly on a bind error), then {@link #stop} (graceful: stop
 * accepting, let live connections finish within the grace period, then close them).
 */
public final class ProxyEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProxyEngine.class.getName());

    /** {@code eventLoops} 0 = one per available core; {@code globalMaxconn} 0 = unlimited. */
    public record Options(ProxyTransport transport, int eventLoops, int globalMaxconn, NanoClock clock,
                          PassiveObservationSink sink) {
        public static Options of(GlobalConfig g) {
            return new Options(ProxyTransport.of(g.transport()), g.nbthread(), g.maxconn(), NanoClock.SYSTEM,
                    PassiveObservationSink.NONE);
        }

        public static Options defaults() {
            return of(GlobalConfig.DEFAULTS);
        }

        public Options withEventLoops(int n) {
            return new Options(transport, n, globalMaxconn, clock, sink);
        }

        public Options withSink(PassiveObservationSink s) {
            return new Options(transport, eventLoops, globalMaxconn, clock, s);
        }
    }

    private final Options options;
    private final int loops;
    private final ConnectionLimiter globalLimit;
    private final Map<BackendRuntime, BackendSlot> backends = new IdentityHashMap<>();
    private final Map<String, FrontendRuntime> frontends = new LinkedHashMap<>();
    /** What each frontend's listeners hand new connections to; swapped by {@link #updateFrontend}. */
    private final Map<String, AtomicReference<FrontendRuntime>> accepting = new LinkedHashMap<>();
    private final Map<String, List<Channel>> listeners = new LinkedHashMap<>();
    /** Frontends removed by a reload whose live connections may still run (counted by activeConnections). */
    private final List<FrontendRuntime> retired = new ArrayList<>();
    private EventLoopGroup group;
    private ChannelGroup connections;
    private volatile boolean stopping;
    /** Bind addresses that get IP_FREEBIND (VRRP VIPs): see {@link #freebind}. */
    private volatile Set<InetAddress> freebind = Set.of();

    public ProxyEngine(Options options) {
        this.options = options;
        this.loops = options.eventLoops() > 0 ? options.eventLoops() : Runtime.getRuntime().availableProcessors();
        this.globalLimit = new ConnectionLimiter(options.globalMaxconn());
    }

    public ProxyTransport transport() {
        return options.transport();
    }

    /**
     * The event loops, null before {@link #start}: other per-connection work of the process (the
     * health checks) runs on them too, so each check shares its loop with traffic, as in HAProxy.
     */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * Registers a frontend and the backends it may route to (by name). Call before {@link #start}.
     *
     * @throws IllegalArgumentException when a rule names an unknown backend or an unsupported ACL
     */
    public FrontendCounters addFrontend(FrontendConfig fe, Map<String, BackendRuntime> byName) {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        Map<String, BackendSlot> ctx = slots(byName);
        FrontendRuntime rt = new FrontendRuntime(fe, new FrontendCounters(), ctx, globalLimit,
                options.transport(), options.sink(), options.clock());
        frontends.put(fe.name(), rt);
        accepting.put(fe.name(), new AtomicReference<>(rt));
        return rt.counters;
    }

    private Map<String, BackendSlot> slots(Map<String, BackendRuntime> byName) {
        Map<String, BackendSlot> ctx = new LinkedHashMap<>();
        for (Map.Entry<String, BackendRuntime> e : byName.entrySet()) {
            ctx.put(e.getKey(), backends.computeIfAbsent(e.getValue(),
                    b -> new BackendSlot(new BackendContext(b, options.clock()))));
        }
        return ctx;
    }

    /**
     * Listening sockets on these addresses are bound with IP_FREEBIND ({@link
     * ProxyTransport#applyFreebind}): the wiring passes the VRRP VIPs, so the proxy listens on both
     * nodes of a pair and serves wherever the VIP currently is, without rebinding on failover.
     * Other addresses are bound normally, so a mistyped address still fails loudly. Call before
     * {@link #start} (it also applies to frontends added later by a reload).
     */
    public void freebind(Collection<InetAddress> addresses) {
        this.freebind = Set.copyOf(addresses);
    }

    /** Binds every frontend's addresses. On a bind failure everything bound so far is closed. */
    public void start() throws InterruptedException {
        group = options.transport().newGroup(loops);
        connections = new DefaultChannelGroup("l4lb-proxy", GlobalEventExecutor.INSTANCE);
        try {
            for (FrontendRuntime fe : frontends.values()) {
                List<Channel> bound = new ArrayList<>();
                listeners.put(fe.config.name(), bound);
                for (BindConfig b : fe.config.binds()) {
                    bind(fe, accepting.get(fe.config.name()), b, bound);
                }
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    private void bind(FrontendRuntime fe, AtomicReference<FrontendRuntime> target, BindConfig b, List<Channel> bound)
            throws InterruptedException {
        String host = b.host() == null ? "0.0.0.0" : b.host();
        for (int port = b.portLow(); port <= b.portHigh(); port++) {
            // TCP_NODELAY is Netty's default on Linux and SO_KEEPALIVE the kernel's default off:
            // neither is set again per accepted socket (each is a setsockopt per connection).
            ServerBootstrap sb = new ServerBootstrap().group(group)
                    .channelFactory(options.transport().serverChannelFactory(literal(host), b.v6only()))
                    .option(ChannelOption.SO_BACKLOG, fe.config.backlog() > 0 ? fe.config.backlog() : 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            if (fe.config.cliTcpKa()) {
                sb.childOption(ChannelOption.SO_KEEPALIVE, true);
            }
            sb.childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            connections.add(ch);
                            ch.pipeline().addLast(new ClientSideHandler(target.get()));
                        }
                    });
            // One socket per event loop with SO_REUSEPORT (the kernel spreads accepts); an
            // ephemeral port (0) is bound once, since each bind would get its own port.
            int copies = options.transport().reusePort() && port != 0 ? loops : 1;
            if (copies > 1) {
                options.transport().applyReusePort(sb);
            }
            if (!freebind.isEmpty() && freebind.contains(literal(host))
                    && !options.transport().applyFreebind(sb)) {
                LOG.log(System.Logger.Level.WARNING, "frontend ''{0}'': {1} is a VRRP address but transport {2}"
                        + " cannot set IP_FREEBIND: the bind needs net.ipv4.ip_nonlocal_bind=1 on the standby",
                        fe.config.name(), host, options.transport().kind());
            }
            if (b.v6only() && !options.transport().appliesV6only()) {
                LOG.log(System.Logger.Level.WARNING, "frontend ''{0}'': ''v6only'' on {1} is not applied by transport {2}"
                        + " (the socket stays dual-stack); use l4lb-transport epoll", fe.config.name(), host,
                        options.transport().kind());
            }
            for (int i = 0; i < copies; i++) {
                Channel ch;
                try {
                    ch = sb.bind(new InetSocketAddress(host, port)).sync().channel();
                } catch (Exception e) {
                    throw new IllegalStateException("frontend '" + fe.config.name() + "': cannot bind "
                            + host + ":" + port + ": " + e.getMessage(), e);
                }
                bound.add(ch);
                fe.frontendLimit.addListener(ch);
                globalLimit.addListener(ch);
            }
        }
    }

    /** An IP literal as an address (no name lookup); null for a host name. */
    private static InetAddress literal(String host) {
        try {
            return host.indexOf(':') >= 0 || Character.isDigit(host.charAt(0)) ? InetAddress.ofLiteral(host) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The addresses a frontend actually listens on (the real port when configured as 0). */
    public synchronized List<InetSocketAddress> boundAddresses(String frontend) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : listeners.getOrDefault(frontend, List.of())) {
            InetSocketAddress a = (InetSocketAddress) c.localAddress();
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    public synchronized FrontendCounters counters(String frontend) {
        FrontendRuntime f = frontends.get(frontend);
        return f == null ? null : f.counters;
    }

    public synchronized Map<String, FrontendCounters> allCounters() {
        Map<String, FrontendCounters> m = new LinkedHashMap<>();
        frontends.forEach((k, v) -> m.put(k, v.counters));
        return m;
    }

    /** Live client connections over all frontends. */
    public synchronized int activeConnections() {
        int n = 0;
        for (FrontendRuntime f : retired) {
            n += f.counters.connectionsActive.get();
        }
        for (FrontendRuntime f : frontends.values()) {
            n += f.counters.connectionsActive.get();
        }
        return n;
    }

    /**
     * Graceful stop (SIGTERM): close the listeners now, let live connections finish for up to
     * {@code grace} ({@code hard-stop-after}; null = wait without limit), then close what is left
     * and shut the event loops down. Completes when everything is closed.
     */
    public CompletableFuture<Void> stop(Duration grace) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (group == null) {
            done.complete(null);
            return done;
        }
        stopping = true;
        List<io.netty.channel.ChannelFuture> closing = new ArrayList<>();
        synchronized (this) { // a reload may add or remove listeners concurrently
            for (List<Channel> l : listeners.values()) {
                for (Channel c : l) {
                    closing.add(c.close());
                }
            }
        }
        // Not accepting any more once stop() returns (unless called from an event loop itself).
        if (!group.next().inEventLoop()) {
            for (io.netty.channel.ChannelFuture f : closing) {
                f.awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
        long deadline = grace == null ? Long.MAX_VALUE : System.nanoTime() + grace.toNanos();
        waitDrained(deadline, done);
        return done;
    }

    private void waitDrained(long deadline, CompletableFuture<Void> done) {
        if (activeConnections() == 0 || System.nanoTime() - deadline >= 0) {
            if (activeConnections() > 0) {
                LOG.log(System.Logger.Level.INFO, "hard-stop-after reached: closing " + activeConnections()
                        + " connection(s)");
            }
            connections.close().addListener(f -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS)
                    .addListener(g -> done.complete(null)));
            return;
        }
        GlobalEventExecutor.INSTANCE.schedule(() -> waitDrained(deadline, done), 50, TimeUnit.MILLISECONDS);
    }

    /**
     * Reload: registers a frontend on the running engine and binds its addresses. On a bind
     * failure the addresses bound so far are closed and the frontend is not registered.
     *
     * @throws IllegalStateException on a bind failure or when the name is taken
     */
    public synchronized FrontendCounters addFrontendLive(FrontendConfig fe, Map<String, BackendRuntime> byName)
            throws InterruptedException {
        if (group == null || stopping) {
            throw new IllegalStateException("engine not running");
        }
        if (frontends.containsKey(fe.name())) {
            throw new IllegalStateException("frontend '" + fe.name() + "' exists");
        }
        Map<String, BackendSlot> ctx = slots(byName);
        FrontendRuntime rt = new FrontendRuntime(fe, new FrontendCounters(), ctx, globalLimit,
                options.transport(), options.sink(), options.clock());
        List<Channel> bound = new ArrayList<>();
        AtomicReference<FrontendRuntime> target = new AtomicReference<>(rt);
        try {
            for (BindConfig b : fe.binds()) {
                bind(rt, target, b, bound);
            }
        } catch (RuntimeException | InterruptedException e) {
            for (Channel c : bound) {
                c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            throw e;
        }
        frontends.put(fe.name(), rt);
        accepting.put(fe.name(), target);
        listeners.put(fe.name(), bound);
        return rt.counters;
    }

    /**
     * Reload, in place: a frontend whose listening side (binds, backlog, {@code option
     * clitcpka}, mode) is unchanged takes its new rules, ACLs, {@code use_backend}/{@code
     * default_backend}, timeouts, inspect-delay and maxconn without closing its sockets: the next
     * accepted connection uses them, live ones keep the rules they were accepted under. Counters
     * and the maxconn limiter (its live count, its waiters) carry over.
     *
     * @throws IllegalArgumentException when a rule names an unknown backend or an unsupported ACL
     *                                  (nothing changed then)
     * @throws IllegalStateException    when the frontend is not running here
     */
    public synchronized void updateFrontend(FrontendConfig fe, Map<String, BackendRuntime> byName) {
        FrontendRuntime old = frontends.get(fe.name());
        AtomicReference<FrontendRuntime> target = accepting.get(fe.name());
        if (old == null || target == null) {
            throw new IllegalStateException("frontend '" + fe.name() + "' is not running");
        }
        FrontendRuntime rt = new FrontendRuntime(fe, old.counters, slots(byName), globalLimit, old.frontendLimit,
                options.transport(), options.sink(), options.clock());
        old.frontendLimit.setMax(fe.maxconn());
        frontends.put(fe.name(), rt);
        target.set(rt);
    }

    /**
     * Reload, in place: new connections routed to {@code backend} from now on use its current
     * settings ({@link BackendRuntime#reconfigure}: timeouts, retries, redispatch, persist...);
     * connections already routed keep theirs. Server gates (maxconn slots and queues) are kept.
     * Returns false when no frontend of this engine routes to it.
     */
    public synchronized boolean reconfigureBackend(BackendRuntime backend) {
        BackendSlot slot = backends.get(backend);
        if (slot == null) {
            return false;
        }
        slot.refresh(options.clock());
        return true;
    }

    /** Reload, in place: a new global {@code maxconn} (0 = unlimited) for connections from now on. */
    public void setGlobalMaxconn(int maxconn) {
        globalLimit.setMax(maxconn);
    }

    /** The global {@code maxconn} in force (0 = unlimited). */
    public int globalMaxconn() {
        return globalLimit.max();
    }

    /**
     * Reload: closes a frontend's listeners now (no new connections); its live connections run
     * until they end (or until a graceful stop's deadline). Returns false when unknown.
     */
    public synchronized boolean removeFrontend(String name) {
        FrontendRuntime rt = frontends.remove(name);
        if (rt == null) {
            return false;
        }
        accepting.remove(name);
        for (Channel c : listeners.remove(name)) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        retired.removeIf(f -> f.counters.connectionsActive.get() == 0);
        retired.add(rt);
        return true;
    }

    public boolean stopping() {
        return stopping;
    }

    /** Immediate stop (tests, failed start): no grace. */
    @Override
    public void close() {
        if (group != null) {
            stop(Duration.ZERO).join();
        }
    }
}
