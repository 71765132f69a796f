package io.l4lb.dataplane.proxy.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.unix.IovArray;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The system calls of a connected edge-triggered socket: one read batch into pooled direct
 * buffers handed to the pipeline as they are, and one write pass straight from the outbound
 * buffers (a single buffer with {@code send}, several with one {@code writev}).
 */
final class EdgeStreamIo {
    /** How a read batch ended. */
    enum ReadEnd {
        /** The batch limit was reached with the socket not known to be empty. */
        MORE,
        /** A short read or EAGAIN: the receive queue was empty. */
        DRAINED,
        /** The peer's FIN: no more input. */
        EOF
    }

    /** One iovec array per event loop for gathering writes (Netty's epoll keeps one per loop too). */
    private static final FastThreadLocal<IovArray> IOV = new FastThreadLocal<>() {
        @Override
        protected IovArray initialValue() {
            return new IovArray();
        }

        @Override
        protected void onRemoval(IovArray value) {
            value.release();
        }
    };

    private EdgeStreamIo() {
    }

    /**
     * Reads buffers while {@code handle} allows (one with auto-read off) and fires each into
     * {@code pipeline}; the caller fires readComplete.
     */
    static ReadEnd readBatch(EdgeSocket socket, RecvByteBufAllocator.Handle handle, ByteBufAllocator alloc,
                             ChannelPipeline pipeline) throws IOException {
        do {
            ByteBuf buf = handle.allocate(alloc);
            int asked = buf.writableBytes();
            int n;
            try {
                if (buf.hasMemoryAddress()) {
                    n = socket.recvAddress(buf.memoryAddress(), buf.writerIndex(), buf.capacity());
                } else {
                    ByteBuffer nio = buf.internalNioBuffer(buf.writerIndex(), asked);
                    n = socket.recv(nio, nio.position(), nio.limit());
                }
            } catch (IOException | RuntimeException e) {
                buf.release();
                throw e;
            }
            if (n <= 0) {
                buf.release();
                handle.lastBytesRead(n < 0 ? -1 : 0);
                return n < 0 ? ReadEnd.EOF : ReadEnd.DRAINED;
            }
            buf.writerIndex(buf.writerIndex() + n);
            handle.lastBytesRead(n);
            handle.incMessagesRead(1);
            pipeline.fireChannelRead(buf);
            if (n < asked) {
                return ReadEnd.DRAINED;
            }
        } while (handle.continueReading() && pipeline.channel().isActive());
        return ReadEnd.MORE;
    }

    /** Writes the flushed messages until done or the socket is full; true when it is full. */
    static boolean write(EdgeSocket socket, ChannelOutboundBuffer in) throws Exception {
        for (;;) {
            int count = in.size();
            if (count == 0) {
                return false;
            }
            long want;
            long n;
            if (count == 1) {
                ByteBuf b = (ByteBuf) in.current();
                want = b.readableBytes();
                if (want == 0) {
                    in.remove();
                    continue;
                }
                if (b.hasMemoryAddress()) {
                    n = socket.sendAddress(b.memoryAddress(), b.readerIndex(), b.writerIndex());
                } else {
                    ByteBuffer nio = b.internalNioBuffer(b.readerIndex(), (int) want);
                    n = socket.send(nio, nio.position(), nio.limit());
                }
            } else {
                IovArray iov = IOV.get();
                iov.clear();
                in.forEachFlushedMessage(iov);
                want = iov.size();
                n = socket.writevAddresses(iov.memoryAddress(0), iov.count());
            }
            in.removeBytes(n);
            if (n < want) {
                return true;
            }
        }
    }
}
