package io.l4lb.dataplane.vrrp;

/**
 * What the rest of l4lb hears from a VRRP instance. Called on the VRRP thread, after the VIPs were
 * added (master) or removed (backup, stop): keep the callbacks short and non-blocking.
 *
 * <p>The proxy does not need to rebind when the VIP moves: it binds the VIP with
 * {@code IP_FREEBIND} ({@link io.l4lb.dataplane.nativeio.LinuxNet#IP_FREEBIND}), so its listener
 * exists on both nodes and receives connections only where the address is present.
 */
public interface VrrpListener {
    void onBecomeMaster(String instance, int priority);

    void onBecomeBackup(String instance, int priority);

    /** The instance stopped (priority 0 sent if it was master); VIPs removed. */
    default void onStop(String instance) {
    }

    /** Gratuitous ARP frames were sent for the VIPs (on becoming master, or re-asserting). */
    default void onGratuitousArp(String instance, int frames) {
    }

    VrrpListener NONE = new VrrpListener() {
        @Override
        public void onBecomeMaster(String instance, int priority) {
        }

        @Override
        public void onBecomeBackup(String instance, int priority) {
        }
    };
}
