package io.l4lb.dataplane.packet.host;

import io.l4lb.dataplane.packet.RealServer;
import io.l4lb.dataplane.packet.wire.Bytes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Feeds DR real servers their MAC from the kernel's neighbour table ({@code /proc/net/arp}), on
 * the control plane. A real server missing from the table (or not complete) is probed with one
 * empty UDP datagram to its discard port (9): the kernel resolves the neighbour to send it, and the
 * next {@link #refresh} finds the entry. Entries that change (a replaced NIC, a failover of the
 * real server's address) are picked up on the next refresh; a real server whose entry vanished
 * keeps its last MAC (the kernel drops stale entries long before the MAC is wrong).
 *
 * <p>Threading: {@link #refresh} from one control thread; {@link RealServer#setMac} publishes
 * through a volatile write.
 */
public final class MacResolver {
    private static final System.Logger LOG = System.getLogger(MacResolver.class.getName());
    private static final int DISCARD_PORT = 9;

    /** Replaced by a reload ({@link #setServers}); read once per refresh. */
    private volatile List<RealServer> servers;
    private final String device;
    private final Supplier<String> arpTable;
    private final IntConsumer probe;

    public MacResolver(List<RealServer> servers, String device, Supplier<String> arpTable, IntConsumer probe) {
        this.servers = List.copyOf(servers);
        this.device = device;
        this.arpTable = arpTable;
        this.probe = probe;
    }

    /** Reads the real /proc/net/arp and probes over UDP. */
    public static MacResolver system(List<RealServer> servers, String device) {
        return new MacResolver(servers, device, MacResolver::readArp, MacResolver::udpProbe);
    }

    /** Reload: the DR real servers to follow from now on. */
    public void setServers(List<RealServer> next) {
        this.servers = List.copyOf(next);
    }

    /** One pass: set known MACs, probe the unknown. Returns how many servers still have no MAC. */
    public int refresh() {
        Map<Integer, Long> table = ProcNet.neighbours(arpTable.get(), device);
        int missing = 0;
        for (RealServer s : this.servers) {
            Long mac = table.get(s.ipv4());
            if (mac != null) {
                if (mac != s.mac()) {
                    LOG.log(System.Logger.Level.INFO, "real server " + s + " is at " + macString(mac));
                    s.setMac(mac);
                }
            } else if (s.mac() == Bytes.NO_MAC) {
                missing++;
                probe.accept(s.ipv4());
            }
        }
        return missing;
    }

    static String macString(long mac) {
        StringBuilder b = new StringBuilder();
        for (int i = 5; i >= 0; i--) {
            b.append(String.format("%02x", (mac >>> (8 * i)) & 0xff)).append(i > 0 ? ":" : "");
        }
        return b.toString();
    }

    private static String readArp() {
        try {
            return Files.readString(Path.of("/proc/net/arp"));
        } catch (IOException e) {
            return "";
        }
    }

    private static void udpProbe(int ip) {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.send(ByteBuffer.allocate(0), new InetSocketAddress(Bytes.ipv4(ip), DISCARD_PORT));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "neighbour probe of " + Bytes.ipv4(ip) + ": " + e);
        }
    }
}
