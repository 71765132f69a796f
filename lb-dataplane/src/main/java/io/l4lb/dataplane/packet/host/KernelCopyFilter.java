package io.l4lb.dataplane.packet.host;

import io.l4lb.dataplane.packet.VirtualService;
import io.l4lb.dataplane.packet.wire.Bytes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Drops the kernel's own copy of the packets the engine forwards. AF_PACKET hands the engine a copy
 * of every frame and the kernel goes on with the original: where the VIP is a local address
 * (VRRP puts it on the interface of the master, keepalived-style) the kernel answers a DR
 * client's SYN and every mid-flow segment with a RST, since no socket listens on VIP:port, and
 * with {@code ip_forward=1} it would forward the packet a second time. LVS does not meet this:
 * IPVS takes the packet in LOCAL_IN. Here an nftables table ({@value #TABLE}) drops, on the
 * packet interface at prerouting priority -300 (before conntrack, so no conntrack entry either),
 * packets to each service's VIP, protocol and port; taps run before netfilter, so the engine still
 * sees them.
 *
 * <p>The table outlives a killed process on purpose: a master that dies by SIGKILL keeps its VIP
 * on the interface (nothing removes it), and clients that still send to its MAC until the
 * standby's gratuitous ARP must meet silence, not RSTs that would end the connections the standby
 * is about to take over. A clean {@link #close()} removes it; a restart replaces it.
 */
public final class KernelCopyFilter implements AutoCloseable {
    public static final String TABLE = "l4lb_packet";

    /** Runs an nft script ({@code nft -f -}). */
    @FunctionalInterface
    public interface Nft {
        void run(String script) throws IOException;
    }

    private final Nft nft;
    private boolean closed;

    private KernelCopyFilter(Nft nft) {
        this.nft = nft;
    }

    /** Installs (or replaces) the table for {@code services} on {@code device}. */
    public static KernelCopyFilter install(String device, List<VirtualService> services, Nft nft) throws IOException {
        nft.run(script(device, services));
        return new KernelCopyFilter(nft);
    }

    /** Through the {@code nft} binary. */
    public static KernelCopyFilter install(String device, List<VirtualService> services) throws IOException {
        return install(device, services, KernelCopyFilter::nft);
    }

    /**
     * The ruleset: one rule per VIP and protocol with the ports as an anonymous set (contiguous
     * ports as ranges). The first two lines make it idempotent: declaring the table creates it if
     * missing, so the delete never fails and the definition replaces any earlier one (all in one
     * nft transaction).
     */
    static String script(String device, List<VirtualService> services) {
        Map<Long, TreeSet<Integer>> ports = new TreeMap<>();
        for (VirtualService s : services) {
            ports.computeIfAbsent(((long) s.vip() & 0xffffffffL) << 8 | s.proto(), k -> new TreeSet<>()).add(s.port());
        }
        StringBuilder b = new StringBuilder();
        b.append("table ip ").append(TABLE).append('\n');
        b.append("delete table ip ").append(TABLE).append('\n');
        b.append("table ip ").append(TABLE).append(" {\n");
        b.append("  chain prerouting {\n");
        b.append("    type filter hook prerouting priority -300; policy accept;\n");
        for (Map.Entry<Long, TreeSet<Integer>> e : ports.entrySet()) {
            int vip = (int) (e.getKey() >>> 8);
            int proto = (int) (e.getKey() & 0xff);
            b.append("    iifname \"").append(device).append("\" ip daddr ").append(Bytes.ipv4(vip))
                    .append(' ').append(proto == 17 ? "udp" : proto == 6 ? "tcp" : "meta l4proto " + proto + " th")
                    .append(" dport { ").append(ranges(e.getValue())).append(" } drop\n");
        }
        b.append("  }\n}\n");
        return b.toString();
    }

    static String removeScript() {
        return "table ip " + TABLE + "\ndelete table ip " + TABLE + "\n";
    }

    private static String ranges(TreeSet<Integer> ports) {
        StringBuilder b = new StringBuilder();
        Integer lo = null;
        int hi = 0;
        for (int p : ports) {
            if (lo != null && p == hi + 1) {
                hi = p;
                continue;
            }
            if (lo != null) {
                b.append(range(lo, hi)).append(", ");
            }
            lo = p;
            hi = p;
        }
        return b.append(range(lo, hi)).toString();
    }

    private static String range(int lo, int hi) {
        return lo == hi ? Integer.toString(lo) : lo + "-" + hi;
    }

    private static void nft(String script) throws IOException {
        Process p = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("nft timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("nft exited " + p.exitValue() + ": " + out);
        }
    }

    /** Removes the table (a clean stop: the kernel gets the VIP traffic back). */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            nft.run(removeScript());
        }
    }
}
