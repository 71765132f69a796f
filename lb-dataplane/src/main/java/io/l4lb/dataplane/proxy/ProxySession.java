package io.l4lb.dataplane.proxy;

import io.l4lb.core.state.ServerRuntime;
import io.l4lb.dataplane.proxy.acl.ConnSamples;
import io.l4lb.dataplane.proxy.tls.ClientHello;
import io.l4lb.dataplane.proxy.tls.ClientHelloParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One proxied client connection, as an explicit state machine:
 * LIMITED (waiting for a global/frontend maxconn slot) -> rules -> INSPECTING (TLS ClientHello,
 * bounded by inspect-delay) -> route -> QUEUED (server maxconn) -> CONNECTING (retries,
 * redispatch) -> RELAYING (two {@link RelayDirection}s) -> CLOSED.
 *
 * <p>Threading: everything runs on the client channel's event loop; the server channel is
 * registered on that same loop, so no state here is shared between threads except the
 * {@code waiting} flag a {@link ServerGate} or {@link ConnectionLimiter} flips from elsewhere.
 * Buffers: bytes read before the server connection is up are kept in {@code pending} (a
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
    private int limitsHeld; // 0 none, 1 global, 2 global + frontend
    private ConnSamples samples;
    private CompositeByteBuf pending;
    private boolean clientEof;
    private BackendContext backend;
    private ServerRuntime server;
    private ServerGate gate;
    private boolean slotHeld;
    private int attempts;
    private final List<ServerRuntime> tried = new ArrayList<>(2);
    private Channel serverCh;
    private Channel connectingCh;
    private RelayDirection up;
    private RelayDirection down;
    private final SessionTimer timer;
    private ScheduledFuture<?> stepTimer; // inspect-delay or timeout queue

    ProxySession(FrontendRuntime fe, Channel client) {
        this.fe = fe;
        this.client = client;
        this.loop = client.eventLoop();
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
        if (limitsHeld == 0) {
            if (!fe.globalLimit.tryAcquire()) {
                waitFor(WAIT_GLOBAL, () -> fe.globalLimit.enqueue(this));
                return;
            }
            limitsHeld = 1;
        }
        if (limitsHeld == 1) {
            if (!fe.frontendLimit.tryAcquire()) {
                waitFor(WAIT_FRONTEND, () -> fe.frontendLimit.enqueue(this));
                return;
            }
            limitsHeld = 2;
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
            limitsHeld++;
            acquireLimits();
        }
    }

    // ---- rules and inspection ------------------------------------------------------------------

    private void connectionRules() {
        samples = ConnSamples.connection(inet(client.remoteAddress()), inet(client.localAddress()));
        if (!decide(fe.connectionRules)) {
            return;
        }
        if (fe.inspect) {
            state = State.INSPECTING;
            pending = client.alloc().compositeDirectBuffer(64);
            stepTimer = loop.schedule(this::inspectTimedOut, fe.inspectDelayNanos, TimeUnit.NANOSECONDS);
            client.read();
            return;
        }
        route();
    }

    private static InetSocketAddress inet(java.net.SocketAddress a) {
        return a instanceof InetSocketAddress i ? i : null;
    }

    /** Runs tcp-request rules in order; the first matching one decides. False when rejected. */
    private boolean decide(List<FrontendRuntime.Rule> rules) {
        for (FrontendRuntime.Rule r : rules) {
            if (r.when().test(samples)) {
                if (!r.accept()) {
                    fe.counters.denied.increment();
                    close();
                    return false;
                }
                return true;
            }
        }
        return true;
    }

    void onClientData(ByteBuf b) {
        if (state == State.RELAYING) {
            touch(true);
            up.onData(b);
            return;
        }
        if (state == State.CLOSED) {
            b.release();
            return;
        }
        touch(true);
        if (pending == null) {
            pending = client.alloc().compositeDirectBuffer(64);
        }
        pending.addComponent(true, b);
    }

    void onClientReadComplete() {
        if (state == State.RELAYING) {
            up.onReadComplete();
        } else if (state == State.INSPECTING) {
            ClientHello h = ClientHelloParser.parse(pending);
            if (h.status() == ClientHello.Status.NEED_MORE && pending.readableBytes() < ClientHelloParser.MAX_BUFFER) {
                client.read();
            } else {
                endInspection(h); // found, not a hello, or one record's worth buffered: stop here
            }
        }
    }

    void onClientInputShutdown() {
        if (state == State.RELAYING) {
            up.onInputShutdown();
            return;
        }
        clientEof = true;
        if (state == State.INSPECTING) {
            endInspection(ClientHelloParser.parse(pending));
        }
    }

    private void inspectTimedOut() {
        if (state == State.INSPECTING) {
            endInspection(ClientHelloParser.parse(pending));
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
        serverCh = f.channel();
        fe.sink.connectSucceeded(server);
        PersistenceTable p = backend.persistence();
        if (p != null && samples.src() != null) {
            p.remember(samples.src().getAddress(), server);
        }
        state = State.RELAYING;
        up = new RelayDirection(this, true, client, serverCh);
        down = new RelayDirection(this, false, serverCh, client);
        timer.established();
        ByteBuf header = ServerConnect.proxyHeader(server, client.alloc(), samples);
        ChannelFuture written = null;
        if (header != null) {
            written = serverCh.write(header);
        }
        CompositeByteBuf buffered = pending;
        pending = null;
        if (buffered != null && buffered.isReadable()) {
            count(true, buffered.readableBytes());
            written = serverCh.write(buffered);
        } else if (buffered != null) {
            buffered.release();
        }
        serverCh.read();
        if (written == null) {
            relayClient(); // nothing to send first: no flush, no listener
            return;
        }
        serverCh.flush();
        if (written.isDone()) {
            firstWriteDone(written);
        } else {
            written.addListener((ChannelFutureListener) this::firstWriteDone);
        }
    }

    /** The PROXY header and the bytes read before the connection was up reached the server. */
    private void firstWriteDone(ChannelFuture w) {
        if (!w.isSuccess()) {
            abort();
            return;
        }
        relayClient();
    }

    private void relayClient() {
        if (state != State.RELAYING) {
            return;
        }
        if (clientEof) {
            up.onInputShutdown();
        } else {
            client.read();
        }
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
        fe.counters.retries.increment();
        failed.counters().retries.increment();
        ServerRuntime next = ServerChoice.retryTarget(backend, samples.src(), tried, failed);
        if (next == null) {
            fail();
            return;
        }
        if (next != failed) {
            fe.counters.redispatches.increment();
            failed.counters().redispatches.increment();
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
        down.onData(b);
    }

    void onServerReadComplete() {
        if (state == State.RELAYING) {
            down.onReadComplete();
        }
    }

    void onServerInputShutdown() {
        if (state == State.RELAYING) {
            down.onInputShutdown();
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
        if (up.done() && down.done()) {
            close();
        }
    }

    /** A channel closed (RST, error, or our own close): flush what the other side still has, close it. */
    void onChannelInactive(Channel which) {
        if (state == State.CLOSED) {
            return;
        }
        Channel other = which == client ? serverCh : client;
        if (state == State.RELAYING && other != null && other.isActive()) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
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
        if (serverCh != null) {
            serverCh.close();
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
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (waiting.compareAndSet(true, false) && was == State.QUEUED) {
            gate.dequeued(this);
        }
        releaseServer();
        if (limitsHeld >= 2) {
            fe.frontendLimit.release();
        }
        if (limitsHeld >= 1) {
            fe.globalLimit.release();
        }
        limitsHeld = 0;
        fe.counters.connectionsActive.decrementAndGet();
    }

    private void cancelStepTimer() {
        if (stepTimer != null) {
            stepTimer.cancel(false);
            stepTimer = null;
        }
    }
}
