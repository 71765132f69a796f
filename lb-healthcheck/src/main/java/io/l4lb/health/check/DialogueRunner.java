package io.l4lb.health.check;

import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Runs one {@link Dialogue} over one TCP (optionally TLS) connection: connect with a bound, write
 * the optional PROXY header, feed received bytes to the dialogue, stop at its verdict, at the
 * timer or at the 64 KiB cap. Everything happens on the target's event loop; the handler is the
 * connection's last inbound handler and owns {@code received}, a heap buffer whose capacity is
 * capped at {@link #MAX_RESPONSE} so that an endless or dripping peer costs bounded memory, and the
 * timer bounds its time.
 */
public final class DialogueRunner extends ChannelInboundHandlerAdapter {
    /** Most bytes a check keeps from one reply (HAProxy's check buffer is tune.chksize, 16 KiB). */
    public static final int MAX_RESPONSE = 64 * 1024;

    private final CheckTarget target;
    private final Dialogue dialogue;
    private final Promise<CheckResult> promise;
    private final long start;
    private final ByteBuf received = Unpooled.buffer(512, MAX_RESPONSE);
    private Channel channel;
    private ScheduledFuture<?> timer;
    private boolean connected;
    private boolean handshaken;
    private boolean started;
    private boolean full;
    private boolean done;

    private DialogueRunner(CheckTarget target, Dialogue dialogue, Promise<CheckResult> promise) {
        this.target = target;
        this.dialogue = dialogue;
        this.promise = promise;
        this.start = target.clock().nanoTime();
    }

    /** Starts the check; the future completes on the target's loop with the result, never exceptionally. */
    public static Future<CheckResult> run(CheckTarget target, Dialogue dialogue) {
        Promise<CheckResult> p = target.loop().newPromise();
        DialogueRunner r = new DialogueRunner(target, dialogue, p);
        if (target.loop().inEventLoop()) {
            r.connect();
        } else {
            target.loop().execute(r::connect);
        }
        return p;
    }

    /**
     * Runs a dialogue on a channel that is already connected (the handler's EmbeddedChannel tests):
     * adds the handler last, arms the timer and starts the dialogue.
     */
    static Future<CheckResult> runOn(Channel ch, CheckTarget target, Dialogue dialogue) {
        Promise<CheckResult> p = ch.eventLoop().newPromise();
        DialogueRunner r = new DialogueRunner(target, dialogue, p);
        r.channel = ch;
        ch.pipeline().addLast("check", r);
        r.connected(ch.newSucceededFuture());
        return p;
    }

    private void connect() {
        InetSocketAddress a = target.address();
        int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, target.connectTimeoutNanos() / 1_000_000L));
        Bootstrap b = new Bootstrap().group(target.loop()).channel(target.channelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (target.ssl()) {
                            String host = target.sni() != null ? target.sni() : a.getHostString();
                            ch.pipeline().addLast("tls", target.sslContext().newHandler(ch.alloc(), host, a.getPort()));
                        }
                        ch.pipeline().addLast("check", DialogueRunner.this);
                    }
                });
        ChannelFuture f;
        try {
            f = b.connect(a);
        } catch (RuntimeException e) {
            finish(CheckResult.of(CheckStatus.SOCKERR, String.valueOf(e.getMessage())), null);
            return;
        }
        channel = f.channel();
        f.addListener((ChannelFutureListener) this::connected);
    }

    private void connected(ChannelFuture f) {
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            if (c instanceof ConnectTimeoutException) {
                finish(CheckResult.of(CheckStatus.L4TOUT, ""), null);
            } else {
                finish(CheckResult.of(CheckStatus.L4CON, connectError(c)), null);
            }
            return;
        }
        connected = true;
        timer = target.loop().schedule(this::timedOut, target.readTimeoutNanos(), TimeUnit.NANOSECONDS);
        if (target.ssl()) {
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    handshaken = true;
                    begin();
                } else {
                    finish(CheckResult.of(CheckStatus.L6RSP, rootMessage(h.cause())), null);
                }
            });
        } else {
            begin();
        }
    }

    /**
     * The kernel's words only, as HAProxy's info reads: "Connection refused: localhost/127.0.0.1:5"
     * (NIO) and "finishConnect(..) failed with error(-111): Connection refused" (epoll) both give
     * "Connection refused".
     */
    static String connectError(Throwable c) {
        return cleanError(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
    }

    /** Same cleaning for a reason given as text, e.g. a dataplane's {@code String.valueOf(cause)}. */
    public static String cleanError(String text) {
        String m = text.replaceFirst("^(?:[\\w$]+\\.)+[\\w$]*(?:Exception|Error): ", "");
        m = m.replaceFirst("^\\S+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ", "");
        int colon = m.lastIndexOf(": ");
        return colon > 0 && m.indexOf('/', colon) > 0 ? m.substring(0, colon) : m;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage() != null ? r.getMessage() : r.getClass().getSimpleName();
    }

    private void begin() {
        if (done) {
            return;
        }
        started = true;
        if (target.proxyProtocol() != ProxyProtocol.NONE) {
            channel.write(Unpooled.wrappedBuffer(proxyHeader()));
        }
        apply(dialogue.start());
        if (!done && received.isReadable()) {
            apply(dialogue.onData(received, full));
        }
    }

    private byte[] proxyHeader() {
        if (target.proxyProtocol() == ProxyProtocol.V2) {
            // PROXY v2 LOCAL command (what HAProxy's checks send): signature, ver 2 / cmd LOCAL, AF_UNSPEC, len 0.
            return new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
                0x20, 0x00, 0x00, 0x00};
        }
        InetSocketAddress l = (InetSocketAddress) channel.localAddress();
        InetSocketAddress r = (InetSocketAddress) channel.remoteAddress();
        String fam = r.getAddress() instanceof java.net.Inet6Address ? "TCP6" : "TCP4";
        return ("PROXY " + fam + " " + l.getAddress().getHostAddress() + " " + r.getAddress().getHostAddress()
                + " " + l.getPort() + " " + r.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void apply(Verdict v) {
        switch (v) {
            case Verdict.Done d -> finish(d.result(), d.farewell());
            case Verdict.Send s -> {
                received.clear();
                full = false;
                channel.writeAndFlush(Unpooled.wrappedBuffer(s.data())).addListener(w -> {
                    if (!w.isSuccess()) {
                        finish(CheckResult.of(CheckStatus.SOCKERR, "write failed: " + rootMessage(w.cause())), null);
                    }
                });
            }
            case Verdict.NeedMore n -> {
                if (full) {
                    finish(CheckResult.of(CheckStatus.L7RSP, "reply exceeds " + MAX_RESPONSE
                            + " bytes without a verdict"), null);
                }
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (done) {
                return;
            }
            int avail = in.readableBytes();
            if (received.maxWritableBytes() < avail) {
                received.discardReadBytes();
            }
            int n = Math.min(avail, received.maxWritableBytes());
            received.writeBytes(in, n);
            if (n < avail || received.maxWritableBytes() == 0) {
                full = true; // nothing more fits: the dialogue decides now or the check fails
            }
        } finally {
            in.release();
        }
        if (started) {
            apply(dialogue.onData(received, full));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            if (!started) {
                finish(CheckResult.of(target.ssl() ? CheckStatus.L6RSP : CheckStatus.L4CON,
                        "connection closed during setup"), null);
                return;
            }
            Verdict v = dialogue.onClose(received);
            if (v instanceof Verdict.Done d) {
                finish(d.result(), null);
            } else {
                finish(CheckResult.of(CheckStatus.L7RSP, "connection closed by server before a complete reply"), null);
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        boolean tls = cause instanceof SSLException || cause.getCause() instanceof SSLException;
        finish(CheckResult.of(tls ? CheckStatus.L6RSP : CheckStatus.SOCKERR, rootMessage(cause)), null);
    }

    private void timedOut() {
        if (!connected) {
            finish(CheckResult.of(CheckStatus.L4TOUT, ""), null);
        } else if (target.ssl() && !handshaken) {
            finish(CheckResult.of(CheckStatus.L6TOUT, ""), null);
        } else {
            finish(CheckResult.of(dialogue.timeoutStatus(), ""), null);
        }
    }

    private void finish(CheckResult r, byte[] farewell) {
        if (done) {
            return;
        }
        done = true;
        if (timer != null) {
            timer.cancel(false);
        }
        received.release();
        if (channel != null && channel.isActive()) {
            if (farewell != null) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(farewell)).addListener(ChannelFutureListener.CLOSE);
            } else {
                channel.close();
            }
        } else if (channel != null) {
            channel.close();
        }
        promise.trySuccess(r.withDuration(target.clock().nanoTime() - start));
    }
}
