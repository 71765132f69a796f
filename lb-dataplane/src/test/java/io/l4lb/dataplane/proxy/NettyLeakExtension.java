package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a LEAK. Netty logs leaks through its internal
 * logger (JDK logging here, forced below); a JUL handler captures every "LEAK:" record. After each
 * test the extension forces GC and allocates tracked buffers so pending leak reports are drained
 * (the detector reports when a new buffer is tracked).
 */
public final class NettyLeakExtension implements BeforeAllCallback, AfterEachCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    // Strong reference: JUL holds loggers weakly, the handler would vanish with it.
    private static final Logger NETTY_LEAK_LOGGER = Logger.getLogger(ResourceLeakDetector.class.getName());

    static {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        NETTY_LEAK_LOGGER.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                String m = r.getMessage();
                if (m != null && m.contains("LEAK")) {
                    LEAKS.add(m);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (int round = 0; round < 4; round++) {
            System.gc();
            for (int i = 0; i < 64; i++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                b.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            String first = LEAKS.getFirst();
            int n = LEAKS.size();
            LEAKS.clear();
            fail(n + " Netty buffer leak(s) reported, first: " + first);
        }
    }

    /** For the extension's own test: how many leak reports are pending. */
    static int pendingReports() {
        return LEAKS.size();
    }

    static void clearReports() {
        LEAKS.clear();
    }
}
