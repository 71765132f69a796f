package io.l4lb.dataplane.vrrp;

import io.l4lb.dataplane.nativeio.Ipv4;
import io.l4lb.dataplane.nativeio.NativeIoException;
import io.l4lb.dataplane.nativeio.RtNetlink;
import java.lang.System.Logger.Level;

/**
 * Adds and removes an instance's VIPs through rtnetlink. Both are idempotent (present on add,
 * absent on remove count as done); a failure is logged per address and the others still proceed,
 * since a half-applied transition is worse than a logged error.
 */
final class VirtualAddresses {
    private static final System.Logger LOG = System.getLogger(VirtualAddresses.class.getName());

    private VirtualAddresses() {
    }

    static void add(VrrpSettings settings, int ifindex) {
        for (Ipv4.Prefix p : settings.virtualAddresses()) {
            try {
                RtNetlink.addAddress(ifindex, p);
            } catch (NativeIoException e) {
                LOG.log(Level.ERROR, "vrrp {0}: cannot add {1} to {2}: {3}", settings.name(), p,
                        settings.interfaceName(), e.getMessage());
            }
        }
    }

    static void remove(VrrpSettings settings, int ifindex) {
        for (Ipv4.Prefix p : settings.virtualAddresses()) {
            try {
                RtNetlink.removeAddress(ifindex, p);
            } catch (NativeIoException e) {
                LOG.log(Level.ERROR, "vrrp {0}: cannot remove {1} from {2}: {3}", settings.name(), p,
                        settings.interfaceName(), e.getMessage());
            }
        }
    }
}
