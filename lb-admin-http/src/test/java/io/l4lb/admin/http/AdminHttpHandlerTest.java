package io.l4lb.admin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link AdminHttpHandler} on an EmbeddedChannel: request mapping, response writing, keep-alive. */
class AdminHttpHandlerTest {
    private final AtomicReference<AdminRequest> seen = new AtomicReference<>();

    private EmbeddedChannel channel() {
        // A direct executor: the route runs inline, so the EmbeddedChannel sees the response at once.
        return new EmbeddedChannel(new AdminHttpHandler(r -> {
            seen.set(r);
            return AdminResponse.of(r.path().equals("/boom") ? 418 : 200, "application/json",
                    "{\"path\":\"" + r.path() + "\"}").withHeader("X-Test", "1");
        }, Runnable::run));
    }

    private static FullHttpRequest request(HttpMethod m, String uri, String body) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, m, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        req.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer t");
        req.headers().set(HttpHeaderNames.ACCEPT, "application/openmetrics-text");
        return req;
    }

    @Test
    void mapsTheRequestAndWritesTheResponse() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(request(HttpMethod.PUT, "/api/x/weight?a=1&b=", "{\"weight\":3}"));
        ch.runPendingTasks();
        FullHttpResponse resp = ch.readOutbound();
        try {
            assertEquals(200, resp.status().code());
            assertEquals("application/json", resp.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertEquals("1", resp.headers().get("X-Test"));
            assertEquals("{\"path\":\"/api/x/weight\"}", resp.content().toString(StandardCharsets.UTF_8));
            assertEquals(resp.content().readableBytes(), resp.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
        } finally {
            resp.release();
        }
        AdminRequest r = seen.get();
        assertEquals("PUT", r.method());
        assertEquals("1", r.query().get("a"));
        assertEquals("", r.query().get("b"));
        assertEquals("Bearer t", r.authorization());
        assertEquals("application/openmetrics-text", r.accept());
        assertEquals("{\"weight\":3}", r.body());
        assertTrue(ch.isOpen(), "HTTP/1.1 keeps the connection");
        assertFalse(ch.finish());
    }

    @Test
    void connectionCloseClosesAfterTheResponse() {
        EmbeddedChannel ch = channel();
        FullHttpRequest req = request(HttpMethod.GET, "/boom", "");
        req.headers().set(HttpHeaderNames.CONNECTION, "close");
        ch.writeInbound(req);
        ch.runPendingTasks();
        FullHttpResponse resp = ch.readOutbound();
        assertEquals(418, resp.status().code());
        resp.release();
        assertFalse(ch.isOpen());
    }

    @Test
    void aMalformedRequestIs400AndNeverReachesTheRoutes() {
        EmbeddedChannel ch = channel();
        FullHttpRequest req = request(HttpMethod.GET, "/x", "");
        req.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad header")));
        ch.writeInbound(req);
        ch.runPendingTasks();
        FullHttpResponse resp = ch.readOutbound();
        assertEquals(400, resp.status().code());
        resp.release();
        assertEquals(null, seen.get());
        assertFalse(ch.isOpen());
    }
}
