package io.l4lb.dataplane.proxy;

import io.l4lb.core.state.ServerRuntime;
import io.l4lb.dataplane.proxy.acl.ConnSamples;
import io.l4lb.dataplane.proxy.tls.ClientHello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One proxied client connection, as an explicit state machine:
 * LIMITED (waiting for a global/frontend maxconn slot) -> rules -> INSPECTING (TLS ClientHello,
 * bounded by inspect-delay) -> route -> QUEUED (server maxconn) -> CONNECTING (retries,
 * redispatch) -> RELAYING ({@link SessionRelay}) -> CLOSED.
 *
 * <p>Threading: everything runs on the client channel's event loop; the server channel is
 * registered on that same loop, so no state here is shared between threads except the
 * {@code waiting} flag a {@link ServerGate} or {@link ConnectionLimiter} flips from elsewhere.
 * Buffers: bytes read before the server connection is up are kept in {@link EarlyBytes} (a
 * composite of the original pooled buffers, never copied) and written unchanged after the
 * PROXY header; released on every exit path.
 */
final class ProxySession implements ServerGate.Waiter {
    enum State { LIMITED, INSPECTING, QUEUED, CONNECTING, RELAYING, CLOSED }

    private final FrontendRuntime fe;
    private final Channel client;
    private final EventLoop loop;
    private State state = State.LIMITED;
    private static final int WAIT_GLOBAL = 1;
    private static final int WAIT_FRONTEND = 2;
    private static final int WAIT_SERVER = 3;
    private final AtomicBoolean waiting = new AtomicBoolean();
    private int waitingOn;
    private final FrontendSlots slots;
    private ConnSamples samples;
    private final EarlyBytes early;
    private boolean clientEof;
    private BackendContext backend;
    private ServerRuntime server;
    private ServerGate gate;
    private boolean slotHeld;
    private int attempts;
    private final List<ServerRuntime> tried = new ArrayList<>(2);
    private Channel connectingCh;
    private SessionRelay relay;
    private final SessionTimer timer;
    private ScheduledFuture<?> stepTimer; // inspect-delay or timeout queue

    ProxySession(FrontendRuntime fe, Channel client) {
        this.fe = fe;
        this.client = client;
        this.loop = client.eventLoop();
        this.slots = new FrontendSlots(fe.globalLimit, fe.frontendLimit);
        this.early = new EarlyBytes(client.alloc());
        this.timer = new SessionTimer(this, loop, fe.clock,
                SessionTimeouts.of(fe.config.timeouts(), io.l4lb.core.config.Timeouts.NONE));
    }

    State state() {
        return state;
    }

    // ---- LIMITED: global then frontend maxconn -------------------------------------------------

    void start() {
        fe.counters.connectionsTotal.increment();
        fe.counters.connectionsActive.incrementAndGet();
        timer.arm();
        acquireLimits();
    }

    private void acquireLimits() {
        ConnectionLimiter full = slots.tryAcquire();
        if (full != null) {
            waitFor(full == fe.globalLimit ? WAIT_GLOBAL : WAIT_FRONTEND, () -> full.enqueue(this));
            return;
        }
        connectionRules();
    }

    private void waitFor(int what, Runnable enqueue) {
        waitingOn = what;
        waiting.set(true);
        enqueue.run();
    }

    /** A limiter or a server gate hands this session a slot (any thread). */
    @Override
    public boolean grant() {
        if (!waiting.compareAndSet(true, false)) {
            return false;
        }
        loop.execute(this::granted);
        return true;
    }

    private void granted() {
        int what = waitingOn;
        waitingOn = 0;
        if (state == State.CLOSED) {
            // Closed while the grant was in flight: pass the slot on.
            switch (what) {
                case WAIT_GLOBAL -> fe.globalLimit.release();
                case WAIT_FRONTEND -> fe.frontendLimit.release();
                case WAIT_SERVER -> gate.release();
                default -> { }
            }
            return;
        }
        if (what == WAIT_SERVER) {
            cancelStepTimer();
            slotHeld = true;
            gate.live().add(loop, this);
            backend.runtime().connectionOpened(server);
            connect();
        } else {
            slots.granted();
            acquireLimits();
        }
    }

    // ---- rules and inspection ------------------------------------------------------------------

    private void connectionRules() {
        samples = ConnSamples.connection(client.remoteAddress(), client.localAddress());
        if (!decide(fe.connectionRules)) {
            return;
        }
        if (fe.inspect) {
            state = State.INSPECTING;
            stepTimer = loop.schedule(this::inspectTimedOut, fe.inspectDelayNanos, TimeUnit.NANOSECONDS);
            client.read();
            return;
        }
        route();
    }

    /** Runs tcp-request rules; a rejected connection is counted and closed. False when rejected. */
    private boolean decide(List<FrontendRuntime.Rule> rules) {
        if (FrontendRuntime.accepts(rules, samples)) {
            return true;
        }
        fe.counters.denied.increment();
        close();
        return false;
    }

    void onClientData(ByteBuf b) {
        if (state == State.RELAYING) {
            touch(true);
            relay.clientData(b);
            return;
        }
        if (state == State.CLOSED) {
            b.release();
            return;
        }
        touch(true);
        early.add(b);
    }

    void onClientReadComplete() {
        if (state == State.RELAYING) {
            relay.clientReadComplete();
        } else if (state == State.INSPECTING) {
            ClientHello h = early.parseHello();
            if (early.wantsMore(h)) {
                client.read();
            } else {
                endInspection(h); // found, not a hello, or one record's worth buffered: stop here
            }
        }
    }

    void onClientInputShutdown() {
        if (state == State.RELAYING) {
            relay.clientInputShutdown();
            return;
        }
        clientEof = true;
        if (state == State.INSPECTING) {
            endInspection(early.parseHello());
        }
    }

    private void inspectTimedOut() {
        if (state == State.INSPECTING) {
            endInspection(early.parseHello());
        }
    }

    private void endInspection(ClientHello h) {
        cancelStepTimer();
        samples = samples.withHello(h.status() == ClientHello.Status.FOUND ? h.sni() : null, h.helloType());
        if (decide(fe.contentRules)) {
            route();
        }
    }

    // ---- routing, queueing, connecting ---------------------------------------------------------

    private void route() {
        if (!fe.inspect && !decide(fe.contentRules)) {
            return;
        }
        backend = fe.backendFor(samples);
        if (backend == null) {
            fail();
            return;
        }
        timer.use(SessionTimeouts.of(fe.config.timeouts(), backend.config().timeouts()));
        ServerRuntime s = ServerChoice.pick(backend, samples.src(), tried, false);
        if (s == null) {
            fail();
            return;
        }
        assign(s);
    }

    private void assign(ServerRuntime s) {
        server = s;
        gate = backend.gate(s);
        if (gate.tryAcquire()) {
            slotHeld = true;
            gate.live().add(loop, this);
            backend.runtime().connectionOpened(s);
            connect();
            return;
        }
        state = State.QUEUED;
        waitingOn = WAIT_SERVER;
        waiting.set(true);
        if (!gate.enqueue(this)) {
            waiting.set(false);
            fail();
            return;
        }
        if (backend.queueTimeoutNanos() > 0) {
            stepTimer = loop.schedule(this::queueTimedOut, backend.queueTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void queueTimedOut() {
        if (state == State.QUEUED && waiting.compareAndSet(true, false)) {
            gate.dequeued(this);
            server.counters().queueTimeouts.increment();
            fail();
        }
    }

    private void connect() {
        state = State.CONNECTING;
        tried.add(server);
        ChannelFuture f = ServerConnect.start(fe, backend, server, samples, loop, new ServerSideHandler(this));
        f.addListener((ChannelFutureListener) this::connected);
        if (state == State.CONNECTING && !f.isDone()) {
            connectingCh = f.channel();
        }
    }

    private void connected(ChannelFuture f) {
        connectingCh = null;
        if (state != State.CONNECTING) {
            f.channel().close();
            return;
        }
        if (!f.isSuccess()) {
            connectFailed(f.cause());
            return;
        }
        fe.sink.connectSucceeded(server);
        ServerChoice.connected(backend, samples.src(), server);
        state = State.RELAYING;
        relay = new SessionRelay(this, client, f.channel(), clientEof);
        timer.established();
        CompositeByteBuf buffered = early.take();
        if (buffered != null) {
            count(true, buffered.readableBytes());
        }
        relay.start(ServerConnect.proxyHeader(server, client.alloc(), samples), buffered);
    }

    private void connectFailed(Throwable cause) {
        ServerRuntime failed = server;
        failed.counters().connectErrors.increment();
        fe.sink.connectFailed(failed, String.valueOf(cause));
        releaseServer();
        if (!client.isActive()) {
            close();
            return;
        }
        attempts++;
        if (attempts > backend.config().retries()) {
            fail();
            return;
        }
        ServerRuntime next = ServerChoice.retry(fe.counters, backend, samples.src(), tried, failed);
        if (next == null) {
            fail();
            return;
        }
        assign(next);
    }

    private void releaseServer() {
        if (slotHeld) {
            slotHeld = false;
            gate.live().remove(loop, this);
            backend.runtime().connectionClosed(server);
            gate.release();
        }
    }

    /** No server could take the connection: close the client at once and count it. */
    private void fail() {
        fe.counters.connectErrors.increment();
        close();
    }

    // ---- relaying, counters, end of life -------------------------------------------------------

    void onServerData(ByteBuf b) {
        if (state != State.RELAYING) {
            b.release();
            return;
        }
        touch(false);
        relay.serverData(b);
    }

    void onServerReadComplete() {
        if (state == State.RELAYING) {
            relay.serverReadComplete();
        }
    }

    void onServerInputShutdown() {
        if (state == State.RELAYING) {
            relay.serverInputShutdown();
        }
    }

    void count(boolean upstream, int n) {
        if (upstream) {
            fe.counters.bytesIn.add(n);
            server.counters().bytesIn.add(n);
        } else {
            fe.counters.bytesOut.add(n);
            server.counters().bytesOut.add(n);
        }
    }

    void touch(boolean clientSide) {
        timer.touch(clientSide);
    }

    void halfClosed() {
        timer.halfClosed();
    }

    /** One direction forwarded its FIN: when both did, the connection is over. */
    void directionDone() {
        if (relay.done()) {
            close();
        }
    }

    /** A channel closed (RST, error, or our own close): flush what the other side still has, close it. */
    void onChannelInactive(Channel which) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.RELAYING && relay.flushAndCloseOther(which)) {
            finish();
        } else if (which == client) {
            close();
        }
    }

    void abort() {
        close();
    }

    void close() {
        if (state == State.CLOSED) {
            return;
        }
        finish();
        client.close();
        if (relay != null) {
            relay.closeServer();
        }
        if (connectingCh != null) {
            connectingCh.close();
        }
    }

    private void finish() {
        State was = state;
        state = State.CLOSED;
        cancelStepTimer();
        timer.stop();
        early.release();
        if (waiting.compareAndSet(true, false) && was == State.QUEUED) {
            gate.dequeued(this);
        }
        releaseServer();
        slots.releaseAll();
        fe.counters.connectionsActive.decrementAndGet();
    }

    private void cancelStepTimer() {
        if (stepTimer != null) {
            stepTimer.cancel(false);
            stepTimer = null;
        }
    }
}
