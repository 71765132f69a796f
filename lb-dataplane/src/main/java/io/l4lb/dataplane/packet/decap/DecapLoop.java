package io.l4lb.dataplane.packet.decap;

import io.l4lb.dataplane.nativeio.NativeIoException;
import io.l4lb.dataplane.nativeio.Poller;
import io.l4lb.dataplane.nativeio.RawIpSocket;
import io.l4lb.dataplane.nativeio.TunDevice;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The user-space IPIP endpoint of a real server whose kernel has no {@code ipip} module: a raw
 * IPv4 socket for protocol 4 receives every IPIP packet addressed to this host, {@link IpipDecap}
 * strips the outer header, and the inner packet is written to a TUN device, where the kernel
 * receives it as if it had arrived there and delivers it to the VIP on {@code lo}. Replies leave
 * by the normal route, straight to the client.
 *
 * <p>The TUN device needs {@code rp_filter=0} (on it and on {@code all}, the kernel uses the
 * maximum of both): the inner source is the client, which is not routed via the TUN device.
 *
 * <p>Threading: {@link #run} on one thread; {@link #close} from any thread after it returned.
 */
public final class DecapLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DecapLoop.class.getName());
    private static final int IPPROTO_IPIP = 4;

    private final IpipDecap decap;
    private final RawIpSocket raw;
    private final TunDevice tun;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(65536, 16);
    private long writeErrors;

    private DecapLoop(IpipDecap decap, RawIpSocket raw, TunDevice tun) {
        this.decap = decap;
        this.raw = raw;
        this.tun = tun;
    }

    /** Opens the raw socket and TUN device {@code tunName}, sets it up and its rp_filter to 0. */
    public static DecapLoop open(String tunName, int... vips) throws NativeIoException, java.io.IOException {
        IpipDecap d = new IpipDecap(vips);
        TunDevice tun = TunDevice.open(tunName);
        RawIpSocket raw = null;
        try {
            tun.up();
            disableRpFilter(tunName);
            raw = RawIpSocket.open(IPPROTO_IPIP);
            raw.setIntOption(io.l4lb.dataplane.nativeio.LinuxNet.SOL_SOCKET,
                    io.l4lb.dataplane.nativeio.LinuxNet.SO_RCVBUF, 4 << 20);
            return new DecapLoop(d, raw, tun);
        } catch (java.io.IOException | RuntimeException e) {
            tun.close();
            if (raw != null) {
                raw.close();
            }
            throw e;
        }
    }

    /** rp_filter=0 on the device and on all: decapsulated packets come from off-link clients. */
    static void disableRpFilter(String dev) throws java.io.IOException {
        for (String k : new String[] {"all", dev}) {
            Path p = Path.of("/proc/sys/net/ipv4/conf", k, "rp_filter");
            if (Files.exists(p)) {
                Files.writeString(p, "0");
            }
        }
    }

    /** Forwards packets until {@code stop} returns true (checked at least every 200 ms). */
    public void run(BooleanSupplier stop) {
        try (Poller poller = new Poller(raw.fd())) {
            while (!stop.getAsBoolean()) {
                poller.await(200);
                for (int i = 0; i < 256; i++) {
                    long n = raw.receive(buf);
                    if (n <= 0) {
                        break;
                    }
                    int off = decap.innerOffset(buf, (int) n);
                    if (off >= 0 && tun.write(buf.asSlice(off), n - off) < 0) {
                        writeErrors++;
                        LOG.log(System.Logger.Level.DEBUG, "TUN write failed");
                    }
                }
            }
        }
    }

    public IpipDecap decap() {
        return decap;
    }

    public long writeErrors() {
        return writeErrors;
    }

    public String tunName() {
        return tun.name();
    }

    @Override
    public void close() {
        raw.close();
        tun.close();
        arena.close();
    }
}
