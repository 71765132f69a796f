package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak extension can fail: a buffer dropped without release is reported. */
class NettyLeakExtensionTest {
    @Test
    void aDroppedBufferIsReported() {
        new NettyLeakExtension(); // installs the capture
        NettyLeakExtension.clearReports();
        leak();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (NettyLeakExtension.pendingReports() == 0 && System.nanoTime() < deadline) {
            System.gc();
            for (int i = 0; i < 64; i++) {
                PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            }
        }
        assertTrue(NettyLeakExtension.pendingReports() > 0, "the leak was not reported");
        NettyLeakExtension.clearReports();
    }

    private static void leak() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42);
    }
}
