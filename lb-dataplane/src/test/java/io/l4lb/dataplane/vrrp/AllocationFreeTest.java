package io.l4lb.dataplane.vrrp;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.dataplane.nativeio.Ipv4;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The per-advert path of the VRRP thread (encode + sign, validate + verify, state machine) does
 * not allocate: measured with the thread's allocation counter over 20,000 adverts after warm-up.
 */
class AllocationFreeTest {
    @Test
    void advertPathDoesNotAllocate() {
        measure(false);
        measure(true);
    }

    void measure(boolean withAuth) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int src = Ipv4.parse("10.2.0.2");
        int dst = Ipv4.parse("224.0.0.18");
        int[] vips = {Ipv4.parse("10.2.0.100")};
        AtomicLong wall = new AtomicLong(1_700_000_000_000_000L);
        VrrpAuth tx = new VrrpAuth("sixteen-byte-key-for-l4lb".getBytes(), 0, wall::get);
        VrrpAuth rxAuth = new VrrpAuth("sixteen-byte-key-for-l4lb".getBytes(), 0, wall::get);
        AdvertValidator v = new AdvertValidator(9, vips, new int[0], withAuth ? rxAuth : null);
        VrrpStateMachine m = new VrrpStateMachine(100, 10, true, 0, Ipv4.parse("10.2.0.1"));
        m.onEvent(VrrpStateMachine.Event.STARTUP, 0);
        AdvertValidator.Received rx = new AdvertValidator.Received();
        MemorySegment seg = java.lang.foreign.Arena.ofAuto().allocate(256);
        long[] now = {0};
        Runnable once = () -> {
            wall.incrementAndGet();
            int len = TestAdverts.build(seg, src, dst, 9, 200, 10, vips, withAuth ? tx : null);
            assertNull(v.validate(seg, len, rx));
            now[0] += 10_000_000L;
            m.onAdvert(rx.priority, rx.source, rx.intervalCs, now[0]);
            m.onTimers(now[0]);
        };
        for (int i = 0; i < 20_000; i++) {
            once.run();
        }
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 20_000; i++) {
            once.run();
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        System.out.println("advert path (auth " + withAuth + ") allocated " + allocated + " bytes over 20,000 adverts");
        assertTrue(allocated < 64 * 1024, "auth " + withAuth + ": allocated " + allocated + " bytes over 20,000 adverts");
    }
}
