package io.l4lb.server.cli;

import io.l4lb.dataplane.nativeio.Ipv4;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code l4lb realserver --mode dr|tunnel --vip ADDR [--vip ADDR...] [--apply]}: prints (or
 * applies) the settings a real server of a DR or tunnel service needs ({@link RealServerPlan}).
 */
public final class RealServerCommand implements Command {
    @Override
    public String name() {
        return "realserver";
    }

    @Override
    public String summary() {
        return "print or apply the settings a DR/tunnel real server needs";
    }

    @Override
    public String usage() {
        return """
                usage: l4lb realserver --mode dr|tunnel --vip ADDR [--vip ADDR ...] [--apply]

                Prints, as shell commands, what a real server of a 'forward dr' or 'forward
                tunnel' service needs: the VIPs on lo, arp_ignore=1 and arp_announce=2 (only the
                LB answers ARP for a VIP), and for tunnels rp_filter=0 and an IPIP endpoint (the
                kernel's tunl0, or 'l4lb decap' where the kernel has no ipip module).
                --apply makes the changes in this host's network namespace (root) instead;
                'l4lb decap' is never started by it. Exit status: 1 a change failed, 2 usage error.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String mode = null;
        List<Integer> vips = new ArrayList<>();
        boolean apply = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--mode") && i + 1 < args.size()) {
                mode = args.get(++i);
                if (!mode.equals("dr") && !mode.equals("tunnel")) {
                    err.println("l4lb realserver: --mode '" + mode + "' (expected: dr, tunnel)");
                    return 2;
                }
            } else if (a.equals("--vip") && i + 1 < args.size()) {
                String v = args.get(++i);
                try {
                    vips.add(Ipv4.parse(v));
                } catch (IllegalArgumentException e) {
                    err.println("l4lb realserver: --vip '" + v + "' (expected: an IPv4 address)");
                    return 2;
                }
            } else if (a.equals("--apply")) {
                apply = true;
            } else {
                err.println("l4lb realserver: unexpected argument '" + a + "'");
                err.println(usage());
                return 2;
            }
        }
        if (mode == null || vips.isEmpty()) {
            err.println("l4lb realserver: --mode and at least one --vip are required");
            err.println(usage());
            return 2;
        }
        List<RealServerPlan.Step> steps = RealServerPlan.steps(mode, vips, RealServerPlan.kernelHasIpip());
        if (!apply) {
            out.println("# l4lb realserver --mode " + mode + ": run as root on the real server");
            for (RealServerPlan.Step s : steps) {
                out.println(s.shell());
            }
            return 0;
        }
        for (RealServerPlan.Step s : steps) {
            String cmd = s.shell().replaceAll("\\s+#.*$", "");
            try {
                String note = s.action().apply();
                out.println("done: " + cmd + (note == null ? "" : " (" + note + ")"));
            } catch (Exception e) {
                err.println("[ALERT] l4lb realserver: " + cmd + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }
}
