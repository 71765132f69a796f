package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.ServerConfig.ProxyProtocol;
import io.l4lb.core.time.NanoClock;
import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The check handler on an EmbeddedChannel: writes, verdicts, the 64 KiB cap, close and timer (Netty's fake ticker). */
class DialogueRunnerTest {
    private static CheckTarget target(EmbeddedChannel ch, long timeoutMillis) {
        return new CheckTarget(new InetSocketAddress("127.0.0.1", 6379), false, null, null, ProxyProtocol.NONE,
                TimeUnit.MILLISECONDS.toNanos(timeoutMillis), TimeUnit.MILLISECONDS.toNanos(timeoutMillis),
                ch.eventLoop(), NioSocketChannel.class, NanoClock.SYSTEM);
    }

    private static String outbound(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        if (b == null) {
            return null;
        }
        try {
            return b.toString(StandardCharsets.US_ASCII);
        } finally {
            b.release();
        }
    }

    private static ByteBuf bytes(EmbeddedChannel ch, String s) {
        return ch.alloc().buffer().writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void redisDialogueWritesPingPassesOnPongAndSaysQuit() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Future<CheckResult> f = DialogueRunner.runOn(ch, target(ch, 1000), redisDialogue());
        assertEquals("*1\r\n$4\r\nPING\r\n", outbound(ch));
        ch.writeInbound(bytes(ch, "+PO"));
        assertFalse(f.isDone(), "half a reply: wait");
        ch.writeInbound(bytes(ch, "NG\r\n"));
        assertEquals(CheckStatus.L7OK, f.getNow().status());
        assertEquals("*1\r\n$4\r\nQUIT\r\n", outbound(ch));
        assertFalse(ch.isActive(), "closed after the farewell");
    }

    private static Dialogue redisDialogue() {
        return new Dialogue() {
            @Override
            public Verdict start() {
                return Verdict.send("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            }

            @Override
            public Verdict onData(ByteBuf in, boolean full) {
                String s = in.toString(StandardCharsets.US_ASCII);
                return s.contains("\r\n") ? (s.startsWith("+PONG") ? Verdict.pass(CheckStatus.L7OK, -1, "", "*1\r\n$4\r\nQUIT\r\n"
                        .getBytes(StandardCharsets.US_ASCII)) : Verdict.fail(CheckStatus.L7STS, s.strip())) : Verdict.NEED_MORE;
            }
        };
    }

    @Test
    void replyBeyond64KiBEndsTheCheckAndReleasesEveryBuffer() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Future<CheckResult> f = DialogueRunner.runOn(ch, target(ch, 1000), new Dialogue() {
            @Override
            public Verdict start() {
                return Verdict.NEED_MORE;
            }

            @Override
            public Verdict onData(ByteBuf in, boolean full) {
                return full ? Verdict.fail(CheckStatus.L7RSP, "full at " + in.readableBytes()) : Verdict.NEED_MORE;
            }
        });
        List<ByteBuf> sent = new ArrayList<>();
        for (int i = 0; i < 10 && !f.isDone(); i++) {
            ByteBuf b = ch.alloc().buffer(10_000).writeZero(10_000);
            b.retain();
            sent.add(b);
            ch.writeInbound(b);
        }
        assertEquals("full at " + DialogueRunner.MAX_RESPONSE, f.getNow().info());
        assertEquals(7, sent.size(), "the 7th chunk crosses 64 KiB");
        for (ByteBuf b : sent) {
            assertEquals(1, b.refCnt(), "the handler released its reference");
            b.release();
        }
        assertNull(ch.readInbound(), "nothing passes the check handler");
    }

    @Test
    void peerCloseBeforeAVerdictFailsAtLayer7() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Future<CheckResult> f = DialogueRunner.runOn(ch, target(ch, 1000), redisDialogue());
        outbound(ch);
        ch.close();
        assertEquals(CheckStatus.L7RSP, f.getNow().status());
    }

    @Test
    void timerEndsASilentExchangeAsLayer7Timeout() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime(); // Netty's fake ticker: only advanceTimeBy moves the check timer
        Future<CheckResult> f = DialogueRunner.runOn(ch, target(ch, 500), redisDialogue());
        outbound(ch);
        ch.advanceTimeBy(499, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(f.isDone());
        ch.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(f.isDone());
        assertEquals(CheckStatus.L7TOUT, f.getNow().status());
        assertFalse(ch.isActive());
    }

    @Test
    void connectErrorTextIsTheKernelsWords() {
        assertEquals("Connection refused", DialogueRunner.connectError(
                new java.net.ConnectException("Connection refused: localhost/127.0.0.1:5")));
        assertEquals("Connection refused", DialogueRunner.connectError(
                new java.net.ConnectException("finishConnect(..) failed with error(-111): Connection refused")));
        assertEquals("Connection refused", DialogueRunner.cleanError(
                "io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: /127.0.0.1:9"));
        assertEquals("No route to host", DialogueRunner.connectError(new java.net.NoRouteToHostException("No route to host")));
    }
}
