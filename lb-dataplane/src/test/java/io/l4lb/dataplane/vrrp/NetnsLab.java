package io.l4lb.dataplane.vrrp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network namespaces for the privileged VRRP tests: a switch namespace holding a bridge, and host
 * namespaces each with an {@code eth0} veth on it, addresses 10.{net}.0.{n}/24. Names are unique
 * per JVM and run; {@link #close()} deletes every namespace it made (the veths go with them) and
 * kills, by PID, every process it started. Public: lb-server's privileged tests reuse it through
 * lb-dataplane's test-jar.
 */
public final class NetnsLab implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    public final String prefix;
    public final int net;
    public final String sw;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    public NetnsLab() throws IOException {
        int id = SEQ.incrementAndGet();
        prefix = "vr" + (ProcessHandle.current().pid() % 10000) + "x" + id;
        net = 100 + (int) ((ProcessHandle.current().pid() * 7 + id) % 150);
        sw = prefix + "sw";
        addNamespace(sw);
        sh("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        sh("ip", "-n", sw, "link", "set", "br0", "up");
    }

    /** Adds host {@code name} with address 10.net.0.{hostNumber}/24 on its eth0. */
    public String addHost(String name, int hostNumber) throws IOException {
        String ns = prefix + name;
        addNamespace(ns);
        String outer = "v" + prefix.substring(2) + name;
        if (outer.length() > 15) {
            outer = outer.substring(0, 15);
        }
        sh("ip", "link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "link", "set", outer, "netns", sw);
        sh("ip", "-n", sw, "link", "set", outer, "master", "br0");
        sh("ip", "-n", sw, "link", "set", outer, "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "addr", "add", address(hostNumber) + "/24", "dev", "eth0");
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        return ns;
    }

    public String address(int hostNumber) {
        return "10." + net + ".0." + hostNumber;
    }

    private void addNamespace(String ns) throws IOException {
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    /**
     * Starts a process inside {@code ns} ({@code err == null}: stderr merged into stdout); at
     * {@link #close()} it gets SIGTERM (so daemons stop their children), then SIGKILL, by PID.
     */
    public Process spawn(String ns, List<String> command, ProcessBuilder.Redirect err) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (err == null) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(err);
        }
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Runs a command to completion (30 s at most) and returns its stdout; fails on a non-zero exit. */
    public static String sh(String... argv) throws IOException {
        Result r = run(argv);
        if (r.exit != 0) {
            throw new IOException(String.join(" ", argv) + " exited " + r.exit + ": " + r.output);
        }
        return r.output;
    }

    public record Result(int exit, String output) {
    }

    public static Result run(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Whether {@code ns} has {@code address} on any interface. */
    public static boolean hasAddress(String ns, String address) throws IOException {
        return sh("ip", "-n", ns, "-4", "-o", "addr", "show").contains(" " + address + "/");
    }

    public static String mac(String ns, String ifname) throws IOException {
        String out = sh("ip", "-n", ns, "-o", "link", "show", ifname);
        int i = out.indexOf("link/ether ");
        return out.substring(i + 11, i + 28);
    }

    public static void signal(Process p, String sig) throws IOException {
        sh("kill", "-" + sig, Long.toString(p.pid()));
    }

    @Override
    public void close() {
        for (Process p : processes) {
            if (p.isAlive()) {
                try {
                    signal(p, "CONT");
                    signal(p, "TERM");
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "del", namespaces.get(i));
            } catch (IOException ignored) {
                // best effort: reported by the next run's unique names never colliding
            }
        }
    }
}
