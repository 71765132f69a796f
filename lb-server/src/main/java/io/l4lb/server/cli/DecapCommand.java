package io.l4lb.server.cli;

import io.l4lb.dataplane.nativeio.Ipv4;
import io.l4lb.dataplane.packet.decap.DecapLoop;
import io.l4lb.dataplane.packet.decap.IpipDecap;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code l4lb decap --vip ADDR [--vip ADDR...] [--dev NAME]}: the user-space IPIP endpoint for
 * real servers of {@code forward tunnel} services whose kernel has no ipip module
 * ({@link DecapLoop}). Runs in the foreground until SIGTERM/SIGINT.
 */
public final class DecapCommand implements Command {
    static final String DEFAULT_DEV = "l4lbdecap0";

    @Override
    public String name() {
        return "decap";
    }

    @Override
    public String summary() {
        return "user-space IPIP decapsulator for tunnel-mode real servers";
    }

    @Override
    public String usage() {
        return """
                usage: l4lb decap --vip ADDR [--vip ADDR ...] [--dev NAME]

                Receives IPIP (protocol 4) packets on a raw socket, strips the outer header and
                hands the inner packet to TUN device NAME (default %s), for real servers of
                'forward tunnel' services whose kernel has no ipip module. Only inner packets to
                one of the VIPs are accepted. Sets rp_filter=0 on NAME and on 'all'. The VIPs
                must be on lo (l4lb realserver --mode tunnel --vip ADDR --apply).
                Needs CAP_NET_RAW and CAP_NET_ADMIN. Runs until SIGTERM/SIGINT.
                Exit status: 1 cannot open the socket or device, 2 usage error.""".formatted(DEFAULT_DEV);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        List<Integer> vips = new ArrayList<>();
        String dev = DEFAULT_DEV;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--vip") && i + 1 < args.size()) {
                String v = args.get(++i);
                try {
                    vips.add(Ipv4.parse(v));
                } catch (IllegalArgumentException e) {
                    err.println("l4lb decap: --vip '" + v + "' (expected: an IPv4 address)");
                    return 2;
                }
            } else if (a.equals("--dev") && i + 1 < args.size()) {
                dev = args.get(++i);
            } else {
                err.println("l4lb decap: unexpected argument '" + a + "'");
                err.println(usage());
                return 2;
            }
        }
        if (vips.isEmpty()) {
            err.println("l4lb decap: at least one --vip ADDR is required");
            err.println(usage());
            return 2;
        }
        int[] v = vips.stream().mapToInt(Integer::intValue).toArray();
        DecapLoop loop;
        try {
            loop = DecapLoop.open(dev, v);
        } catch (java.io.IOException | IllegalArgumentException e) {
            err.println("[ALERT] l4lb decap: " + e.getMessage());
            return 1;
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = Thread.ofPlatform().name("l4lb-decap-stop").unstarted(() -> {
            stop.set(true);
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("l4lb decap: IPIP -> " + dev + " for " + vips.stream().map(Ipv4::toString).toList());
        out.flush();
        try {
            loop.run(stop::get);
        } finally {
            IpipDecap d = loop.decap();
            StringBuilder drops = new StringBuilder();
            for (IpipDecap.Reason r : IpipDecap.Reason.values()) {
                drops.append(' ').append(r.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(d.drops(r));
            }
            out.println("l4lb decap: decapsulated " + d.decapsulated() + ", tun write errors " + loop.writeErrors()
                    + ", dropped" + drops);
            out.flush();
            loop.close();
            done.countDown();
        }
        return 0;
    }
}
