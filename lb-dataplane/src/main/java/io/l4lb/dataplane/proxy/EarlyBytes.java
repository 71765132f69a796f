package io.l4lb.dataplane.proxy;

import io.l4lb.dataplane.proxy.tls.ClientHello;
import io.l4lb.dataplane.proxy.tls.ClientHelloParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The bytes a client sent before its server connection is up: the TLS ClientHello being
 * inspected, or anything that arrived while connecting. Kept as a composite of the original pooled
 * buffers (never copied) and handed on unchanged; released on every exit path.
 * Threading: the session's event loop only.
 */
final class EarlyBytes {
    private final ByteBufAllocator alloc;
    private CompositeByteBuf buf;

    EarlyBytes(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** Takes ownership of {@code b}. */
    void add(ByteBuf b) {
        if (buf == null) {
            buf = alloc.compositeDirectBuffer(64);
        }
        buf.addComponent(true, b);
    }

    ClientHello parseHello() {
        return ClientHelloParser.parse(buf == null ? Unpooled.EMPTY_BUFFER : buf);
    }

    /** A hello not complete yet, and less than one record's worth buffered: read more. */
    boolean wantsMore(ClientHello h) {
        return h.status() == ClientHello.Status.NEED_MORE && readable() < ClientHelloParser.MAX_BUFFER;
    }

    int readable() {
        return buf == null ? 0 : buf.readableBytes();
    }

    /** The buffered bytes (ownership passes to the caller), or null when there are none. */
    CompositeByteBuf take() {
        CompositeByteBuf b = buf;
        buf = null;
        if (b != null && !b.isReadable()) {
            b.release();
            return null;
        }
        return b;
    }

    void release() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }
}
