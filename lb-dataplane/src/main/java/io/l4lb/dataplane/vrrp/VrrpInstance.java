package io.l4lb.dataplane.vrrp;

import io.l4lb.core.time.NanoClock;
import io.l4lb.dataplane.nativeio.EventFd;
import io.l4lb.dataplane.nativeio.Ipv4;
import io.l4lb.dataplane.nativeio.LinuxNet;
import io.l4lb.dataplane.nativeio.NativeIoException;
import io.l4lb.dataplane.nativeio.NetInterfaces;
import io.l4lb.dataplane.nativeio.PacketSocket;
import io.l4lb.dataplane.nativeio.Poller;
import io.l4lb.dataplane.nativeio.RawIpSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One running VRRPv3 instance (RFC 5798) on one interface: sockets, the {@link VrrpStateMachine},
 * the VIPs and gratuitous ARP.
 *
 * <p>Threading: one dedicated thread ({@code vrrp-NAME}) owns the sockets, the state machine, the
 * validator and the buffers; it waits in poll(2) until the next timer deadline or a received
 * advert. Other threads only read the volatile status and {@link #counters()}, and call
 * {@link #close()}, which wakes the thread through an eventfd. After start-up the advert path
 * (send, receive, validate, timers) allocates nothing: buffers and socket addresses are
 * preallocated native segments.
 */
public final class VrrpInstance implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VrrpInstance.class.getName());
    private static final int BUFFER = 2048;
    private static final long REASSERT_GARP_GAP_NANOS = 1_000_000_000L;

    private final VrrpSettings settings;
    private final List<BooleanSupplier> tracked;
    private final VrrpListener listener;
    private final NanoClock clock;
    private final VrrpCounters counters = new VrrpCounters();
    private final boolean[] trackedUsable;
    private final int[] vips;
    private final AdvertValidator.Received received = new AdvertValidator.Received();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment sendBuf = arena.allocate(BUFFER, 8);
    private final MemorySegment recvBuf = arena.allocate(BUFFER, 8);
    private final MemorySegment garpBuf = arena.allocate(GratuitousArp.FRAME_LENGTH, 8);
    private final NotifyScript notify;
    private VrrpStateMachine machine;
    private AdvertValidator validator;
    private VrrpAuth auth;
    private RawIpSocket sender;
    private RawIpSocket receiver;
    private PacketSocket arpSocket;
    private EventFd wakeup;
    private int ifindex;
    private int primaryAddress;
    private byte[] mac;
    private Thread thread;
    private volatile boolean stopRequested;
    private long lastGarpNanos;
    private boolean closed;
    private volatile VrrpStateMachine.State state = VrrpStateMachine.State.INITIALIZE;
    private volatile int currentPriority;

    /**
     * @param tracked one supplier per {@link VrrpSettings#tracks()} entry, in order: true while the
     *                tracked backend has a usable server (e.g. {@code BackendRuntime::hasUsableServer})
     */
    public VrrpInstance(VrrpSettings settings, List<BooleanSupplier> tracked, VrrpListener listener, NanoClock clock) {
        if (tracked.size() != settings.tracks().size()) {
            throw new IllegalArgumentException("vrrp " + settings.name() + ": " + settings.tracks().size()
                    + " track-backend lines but " + tracked.size() + " suppliers");
        }
        this.settings = settings;
        this.tracked = List.copyOf(tracked);
        this.listener = listener;
        this.clock = clock;
        this.trackedUsable = new boolean[tracked.size()];
        this.vips = settings.virtualAddressInts();
        this.notify = settings.notifyScript() == null ? null : new NotifyScript(settings.notifyScript());
        this.currentPriority = settings.priority();
    }

    /** Opens the sockets (needs CAP_NET_RAW, CAP_NET_ADMIN) and starts the VRRP thread. */
    public synchronized void start() throws IOException {
        if (thread != null || closed) {
            throw new IllegalStateException("already started or closed");
        }
        String ifname = settings.interfaceName();
        ifindex = NetInterfaces.index(ifname);
        primaryAddress = NetInterfaces.primaryIpv4(ifname);
        mac = NetInterfaces.macAddress(ifname);
        if (settings.authKeyFile() != null) {
            auth = VrrpAuth.fromKeyFile(Path.of(settings.authKeyFile()), VrrpAuth.systemWallMicros());
        }
        validator = new AdvertValidator(settings.vrid(), vips, settings.unicastPeers(), auth);
        machine = new VrrpStateMachine(settings.priority(), settings.advertIntervalCs(), settings.preempt(),
                settings.preemptDelayNanos(), primaryAddress);
        try {
            sender = RawIpSocket.open(VrrpPacket.PROTOCOL);
            sender.bindToDevice(ifname);
            sender.bindAddress(primaryAddress);
            sender.setTtl(VrrpPacket.TTL);
            sender.setMulticastTtl(VrrpPacket.TTL);
            sender.setMulticastLoop(false);
            sender.setMulticastInterface(ifindex);
            // The sender is bound to an address, so it would also queue unicast adverts: keep its
            // receive buffer minimal; the receiver (unbound, so it gets 224.0.0.18 too) reads them.
            sender.setIntOption(LinuxNet.SOL_SOCKET, LinuxNet.SO_RCVBUF, 1);
            receiver = RawIpSocket.open(VrrpPacket.PROTOCOL);
            receiver.bindToDevice(ifname);
            if (settings.unicastPeers().length == 0) {
                receiver.joinGroup(VrrpPacket.MULTICAST_GROUP, ifindex);
            }
            arpSocket = PacketSocket.openSender(ifindex);
            wakeup = new EventFd();
        } catch (NativeIoException e) {
            closeSockets();
            throw e;
        }
        LOG.log(Level.INFO, "vrrp {0}: starting on {1} ({2}) vrid {3} priority {4} advert {5}0ms {6}",
                settings.name(), ifname, Ipv4.toString(primaryAddress), settings.vrid(), settings.priority(),
                settings.advertIntervalCs(), settings.unicastPeers().length == 0 ? "multicast" : "unicast");
        thread = Thread.ofPlatform().name("vrrp-" + settings.name()).daemon(true).unstarted(this::run);
        thread.start();
    }

    public VrrpStateMachine.State state() {
        return state;
    }

    public int priority() {
        return currentPriority;
    }

    public VrrpCounters counters() {
        return counters;
    }

    /** The VRRP thread's id (e.g. for its allocation counter), or -1 before {@link #start()}. */
    public synchronized long threadId() {
        return thread == null ? -1 : thread.threadId();
    }

    public String name() {
        return settings.name();
    }

    /** A consistent-enough snapshot for ctl and metrics (each field read once; allocates). */
    public VrrpStatus status() {
        VrrpCounters c = counters;
        return new VrrpStatus(settings.name(), settings.interfaceName(), settings.vrid(), state, currentPriority,
                settings.priority(), c.get(VrrpCounters.Kind.TRANSITIONS), c.get(VrrpCounters.Kind.ADVERTS_SENT),
                c.get(VrrpCounters.Kind.ADVERTS_RECEIVED), c.get(VrrpCounters.Kind.ADVERTS_LATE),
                c.get(VrrpCounters.Kind.GARP_SENT), c.droppedByReason());
    }

    /** Clean shutdown (RFC 5798 §6.4.3): a master sends priority 0 and removes its VIPs. Waits up to 5 s. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        if (t != null && t.isAlive()) {
            stopRequested = true;
            wakeup.signal();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (t == null) {
            arena.close(); // never started: the thread did not take ownership of the buffers
        }
        if (notify != null) {
            notify.close();
        }
    }

    private void run() {
        try (Poller poller = new Poller(receiver.fd(), wakeup.fd())) {
            execute(machine.onEvent(VrrpStateMachine.Event.STARTUP, clock.nanoTime()), clock.nanoTime());
            while (!stopRequested) {
                long now = clock.nanoTime();
                updatePriority();
                fireTimers(now);
                long deadline = machine.nextDeadline(now);
                long waitNanos = deadline == Long.MAX_VALUE ? 1_000_000_000L : deadline - clock.nanoTime();
                int waitMillis = (int) Math.min(1000, Math.max(0, (waitNanos + 999_999) / 1_000_000));
                int ready = poller.await(waitMillis);
                if (ready > 0 && poller.ready(0)) {
                    drainAdverts();
                }
                if (ready > 0 && poller.ready(1)) {
                    wakeup.drain();
                }
            }
            execute(machine.onEvent(VrrpStateMachine.Event.SHUTDOWN, clock.nanoTime()), clock.nanoTime());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "vrrp " + settings.name() + ": thread failed", e);
            removeVips();
        } finally {
            closeSockets();
            arena.close();
        }
    }

    private void fireTimers(long now) {
        for (int guard = 0; guard < 4; guard++) {
            long due = machine.adverDeadline();
            boolean adverDue = machine.state() == VrrpStateMachine.State.MASTER;
            VrrpStateMachine.Rule r = machine.onTimers(now);
            if (r == null) {
                return;
            }
            if (adverDue && r.event() == VrrpStateMachine.Event.ADVER_TIMER) {
                checkLateness(now - due);
            }
            execute(r, now);
        }
    }

    /** Late adverts are how a GC pause or CPU starvation turns into a false failover: count and warn. */
    private void checkLateness(long lateNanos) {
        long threshold = VrrpStateMachine.centisToNanos(settings.advertIntervalCs()) / 4;
        if (lateNanos > threshold) {
            counters.increment(VrrpCounters.Kind.ADVERTS_LATE);
            LOG.log(Level.WARNING, "vrrp {0}: advert left {1} ms late (advert-int {2}0 ms): GC pause or CPU starvation?",
                    settings.name(), lateNanos / 1_000_000, settings.advertIntervalCs());
        }
    }

    private void updatePriority() {
        for (int i = 0; i < trackedUsable.length; i++) {
            try {
                trackedUsable[i] = tracked.get(i).getAsBoolean();
            } catch (RuntimeException e) {
                trackedUsable[i] = false; // a failing check must not stop VRRP: count it as unusable
                LOG.log(Level.DEBUG, "track-backend supplier failed", e);
            }
        }
        int p = settings.effectivePriority(trackedUsable);
        if (p != machine.priority()) {
            LOG.log(Level.INFO, "vrrp {0}: priority {1} -> {2} (track-backend)", settings.name(), machine.priority(), p);
            machine.setPriority(p);
            currentPriority = p;
        }
    }

    private void drainAdverts() {
        for (int i = 0; i < 64; i++) {
            long n = receiver.receive(recvBuf);
            if (n <= 0) {
                return;
            }
            DropReason reason = validator.validate(recvBuf, (int) n, received);
            if (reason != null) {
                counters.drop(reason);
                continue;
            }
            if (received.source == primaryAddress) {
                continue; // our own advert looped back
            }
            counters.increment(VrrpCounters.Kind.ADVERTS_RECEIVED);
            if (received.priority == 0) {
                counters.increment(VrrpCounters.Kind.PRIORITY_ZERO_RECEIVED);
            }
            long now = clock.nanoTime();
            execute(machine.onAdvert(received.priority, received.source, received.intervalCs, now), now);
        }
    }

    private void execute(VrrpStateMachine.Rule r, long now) {
        int a = r.actions();
        if ((a & VrrpStateMachine.SEND_ADVERT) != 0) {
            sendAdvert(machine.priority());
        }
        if ((a & VrrpStateMachine.SEND_PRIORITY_ZERO) != 0) {
            sendAdvert(VrrpPacket.PRIORITY_STOP);
            counters.increment(VrrpCounters.Kind.PRIORITY_ZERO_SENT);
        }
        if ((a & VrrpStateMachine.BECOME_MASTER) != 0) {
            addVips();
        }
        if ((a & VrrpStateMachine.SEND_GARP) != 0) {
            // Re-asserting against a lower-priority master (split brain healing) repeats on every
            // advert it sends: like keepalived's garp_lower_prio_delay, at most one burst a second.
            boolean reassert = r.guard() == VrrpStateMachine.Guard.LOCAL_WINS;
            if (!reassert || now - lastGarpNanos >= REASSERT_GARP_GAP_NANOS) {
                sendGarps();
                lastGarpNanos = now;
            }
        }
        if ((a & (VrrpStateMachine.BECOME_BACKUP | VrrpStateMachine.STOP)) != 0) {
            removeVips();
        }
        if (r.to() != null && r.to() != r.from()) {
            transitioned(r);
        }
    }

    private void transitioned(VrrpStateMachine.Rule r) {
        state = machine.state();
        counters.increment(VrrpCounters.Kind.TRANSITIONS);
        int p = machine.priority();
        LOG.log(Level.INFO, "vrrp {0}: {1} -> {2} priority {3}: {4}", settings.name(), r.from(), r.to(), p, r.section());
        String stateName = switch (r.to()) {
            case MASTER -> "MASTER";
            case BACKUP -> "BACKUP";
            case INITIALIZE -> "STOP";
        };
        switch (r.to()) {
            case MASTER -> {
                counters.increment(VrrpCounters.Kind.BECAME_MASTER);
                listener.onBecomeMaster(settings.name(), p);
            }
            case BACKUP -> listener.onBecomeBackup(settings.name(), p);
            case INITIALIZE -> listener.onStop(settings.name());
        }
        if (notify != null) {
            notify.notify(settings.name(), stateName, p);
        }
    }

    /** Multicast: one advert to 224.0.0.18. Unicast: one per peer, checksum (and HMAC) per destination. */
    private void sendAdvert(int priority) {
        int[] peers = settings.unicastPeers();
        int first = peers.length == 0 ? VrrpPacket.MULTICAST_GROUP : peers[0];
        int len = VrrpPacket.encode(sendBuf, 0, settings.vrid(), priority, settings.advertIntervalCs(), vips,
                primaryAddress, first);
        if (auth != null) {
            auth.sign(sendBuf, 0, len, primaryAddress, first);
        }
        int total = len + (auth == null ? 0 : VrrpAuth.TRAILER_LENGTH);
        send(total, first);
        for (int i = 1; i < peers.length; i++) {
            VrrpPacket.rewriteChecksum(sendBuf, 0, len, primaryAddress, peers[i]);
            if (auth != null) {
                auth.resign(sendBuf, 0, len, primaryAddress, peers[i]);
            }
            send(total, peers[i]);
        }
    }

    private void send(int len, int dst) {
        long r = sender.sendTo(sendBuf, len, dst);
        if (r == len) {
            counters.increment(VrrpCounters.Kind.ADVERTS_SENT);
        } else {
            counters.increment(VrrpCounters.Kind.SEND_ERRORS);
            LOG.log(Level.WARNING, "vrrp {0}: advert to {1} not sent ({2})", settings.name(), Ipv4.toString(dst),
                    r < 0 ? io.l4lb.dataplane.nativeio.Errno.name(io.l4lb.dataplane.nativeio.Libc.lastErrno()) : r + " bytes");
        }
    }

    private void sendGarps() {
        int frames = 0;
        for (int round = 0; round < settings.garpRepeat(); round++) {
            for (int vip : vips) {
                int len = GratuitousArp.write(garpBuf, mac, vip);
                if (arpSocket.send(garpBuf, len, GratuitousArp.ETHERTYPE_ARP) == len) {
                    frames++;
                }
            }
        }
        counters.add(VrrpCounters.Kind.GARP_SENT, frames);
        listener.onGratuitousArp(settings.name(), frames);
    }

    private void addVips() {
        VirtualAddresses.add(settings, ifindex);
    }

    private void removeVips() {
        VirtualAddresses.remove(settings, ifindex);
    }

    private void closeSockets() {
        for (AutoCloseable c : new AutoCloseable[] {sender, receiver, arpSocket, wakeup}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(Level.DEBUG, "close failed", e);
                }
            }
        }
    }
}
