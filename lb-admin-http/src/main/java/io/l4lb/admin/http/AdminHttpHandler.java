package io.l4lb.admin.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Turns an aggregated Netty request into an {@link AdminRequest}, runs the routes off the event
 * loop and writes the {@link AdminResponse} back. Owns the request buffer only until its body is
 * copied out (SimpleChannelInboundHandler releases it).
 */
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(AdminHttpHandler.class.getName());
    private final Function<AdminRequest, AdminResponse> routes;
    private final Executor workers;

    AdminHttpHandler(Function<AdminRequest, AdminResponse> routes, Executor workers) {
        this.routes = routes;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            write(ctx, AdminResponse.of(400, "application/json", "{\"error\":\"malformed request\"}"), false);
            return;
        }
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        Map<String, String> query = new HashMap<>();
        for (Map.Entry<String, List<String>> e : qs.parameters().entrySet()) {
            query.put(e.getKey(), e.getValue().isEmpty() ? "" : e.getValue().get(0));
        }
        boolean loopback = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                && a.getAddress() != null && a.getAddress().isLoopbackAddress();
        AdminRequest r = new AdminRequest(req.method().name(), qs.path(), query,
                req.headers().get(HttpHeaderNames.AUTHORIZATION), req.headers().get(HttpHeaderNames.ACCEPT),
                req.content().toString(StandardCharsets.UTF_8), loopback);
        workers.execute(() -> {
            AdminResponse resp;
            try {
                resp = routes.apply(r);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "admin request " + r.method() + " " + r.path() + " failed", e);
                resp = AdminResponse.of(500, "application/json", "{\"error\":\"internal error\"}");
            }
            AdminResponse out = resp;
            ctx.executor().execute(() -> write(ctx, out, keepAlive));
        });
    }

    private static void write(ChannelHandlerContext ctx, AdminResponse r, boolean keepAlive) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().forEach((k, v) -> resp.headers().set(k, v));
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "admin connection error", cause);
        ctx.close();
    }
}
