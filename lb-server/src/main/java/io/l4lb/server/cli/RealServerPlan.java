package io.l4lb.server.cli;

import io.l4lb.dataplane.nativeio.Ipv4;
import io.l4lb.dataplane.nativeio.NetInterfaces;
import io.l4lb.dataplane.nativeio.RtNetlink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a real server of a {@code forward dr} or {@code forward tunnel} service needs (LVS-DR /
 * LVS-TUN): each step as the shell command an operator would type and as the action
 * {@code --apply} performs (rtnetlink and /proc/sys writes, no shelling out, except creating the
 * kernel IPIP device, which {@code ip} does best).
 */
final class RealServerPlan {
    /** One setting: the equivalent shell line and how to apply it here. */
    record Step(String shell, Action action) {
    }

    @FunctionalInterface
    interface Action {
        /** Applies the step; returns a note to print, or null. */
        String apply() throws Exception;
    }

    private RealServerPlan() {
    }

    static List<Step> steps(String mode, List<Integer> vips, boolean kernelIpip) {
        List<Step> steps = new ArrayList<>();
        for (int vip : vips) {
            String v = Ipv4.toString(vip);
            steps.add(new Step("ip addr replace " + v + "/32 dev lo   # accept and answer for the VIP", () -> {
                RtNetlink.addAddress(NetInterfaces.index("lo"), new Ipv4.Prefix(vip, 32));
                return null;
            }));
        }
        // The kernel uses max(all, dev) for both: setting 'all' covers every interface.
        steps.add(sysctl("net.ipv4.conf.all.arp_ignore", "1", "answer ARP only for addresses of the asking interface: never for the VIP on lo"));
        steps.add(sysctl("net.ipv4.conf.all.arp_announce", "2", "never use the VIP as ARP source address"));
        if (mode.equals("tunnel")) {
            // rp_filter: the kernel uses max(all, dev), so 'all' must be 0 as well.
            steps.add(sysctl("net.ipv4.conf.all.rp_filter", "0", "decapsulated packets come from off-link clients"));
            if (kernelIpip) {
                steps.add(new Step("ip link add tunl0 type ipip 2>/dev/null; ip link set tunl0 up", () -> {
                    if (!Files.exists(Path.of("/sys/class/net/tunl0"))) {
                        run("ip", "link", "add", "tunl0", "type", "ipip");
                    }
                    run("ip", "link", "set", "tunl0", "up");
                    return null;
                }));
                steps.add(sysctl("net.ipv4.conf.tunl0.rp_filter", "0", "same on the tunnel device"));
            } else {
                StringBuilder cmd = new StringBuilder("l4lb decap");
                for (int vip : vips) {
                    cmd.append(" --vip ").append(Ipv4.toString(vip));
                }
                String line = cmd + " &   # this kernel has no ipip: decapsulate in user space";
                steps.add(new Step(line, () -> "not applied (a long-running process): run '" + cmd + "'"));
            }
        }
        return steps;
    }

    /** Whether the running kernel can create IPIP devices (module loaded, built in, or loadable). */
    static boolean kernelHasIpip() {
        if (Files.exists(Path.of("/sys/module/ipip")) || Files.exists(Path.of("/sys/class/net/tunl0"))) {
            return true;
        }
        String release = System.getProperty("os.version");
        Path mods = Path.of("/lib/modules", release);
        try (var s = Files.exists(mods) ? Files.walk(mods) : java.util.stream.Stream.<Path>empty()) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("ipip.ko"));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static Step sysctl(String key, String value, String why) {
        Path p = Path.of("/proc/sys", key.replace('.', '/'));
        return new Step("sysctl -w " + key + "=" + value + "   # " + why, () -> {
            Files.writeString(p, value);
            return null;
        });
    }

    private static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + out);
        }
    }
}
