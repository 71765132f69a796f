package io.l4lb.dataplane.packet.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away L2 segment for the packet-plane tests: a switch namespace with bridge br0, hosts as
 * namespaces whose eth0 is plugged into it with 10.N.0.H/24, optional veths from the test JVM's own
 * namespace into the bridge, and processes started in the namespaces. Names carry a per-run prefix;
 * {@link #close} kills the processes (by handle) and deletes every link and namespace it made, so
 * use it in try-with-resources or {@code @AfterEach}.
 */
public final class NetnsL2Lab implements AutoCloseable {
    private final String prefix;
    private final int net;
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> links = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** {@code tag}: two letters that keep the names of concurrent tests apart. */
    public NetnsL2Lab(String tag) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        this.prefix = tag + pid % 10000;
        this.net = 150 + (int) ((pid + tag.hashCode()) % 90 + 90) % 90;
        String sw = prefix + "sw";
        sh(true, "ip", "netns", "add", sw);
        namespaces.add(sw);
        sh(true, "ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        sh(true, "ip", "-n", sw, "link", "set", "br0", "up");
    }

    public String prefix() {
        return prefix;
    }

    /** 10.N.0.host. */
    public String ip(int host) {
        return "10." + net + ".0." + host;
    }

    /** A host namespace {@code prefix + name} with eth0 = {@link #ip}(hostNo)/24 on the bridge; its name. */
    public String host(String name, int hostNo) throws IOException, InterruptedException {
        String ns = prefix + name;
        String port = prefix + "p" + hostNo;
        sh(true, "ip", "netns", "add", ns);
        namespaces.add(ns);
        sh(true, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh(true, "ip", "link", "set", port, "netns", prefix + "sw");
        sh(true, "ip", "-n", prefix + "sw", "link", "set", port, "master", "br0", "up");
        sh(true, "ip", "-n", ns, "link", "set", "lo", "up");
        sh(true, "ip", "-n", ns, "addr", "add", ip(hostNo) + "/24", "dev", "eth0");
        sh(true, "ip", "-n", ns, "link", "set", "eth0", "up");
        return ns;
    }

    /** A veth {@code dev} in the test JVM's namespace, its peer on the bridge, up, no address. */
    public void localPort(String dev) throws IOException, InterruptedException {
        sh(true, "ip", "link", "add", dev, "type", "veth", "peer", "name", prefix + "l", "netns", prefix + "sw");
        links.add(dev);
        sh(true, "ip", "-n", prefix + "sw", "link", "set", prefix + "l", "master", "br0", "up");
        sh(true, "sysctl", "-q", "-w", "net.ipv6.conf." + dev + ".disable_ipv6=1");
        sh(true, "ip", "link", "set", dev, "up");
    }

    /** DR/tunnel real-server settings by hand: VIP on lo, arp_ignore=1, arp_announce=2. */
    public void realServer(String ns, String vip) throws IOException, InterruptedException {
        sh(true, "ip", "-n", ns, "addr", "add", vip + "/32", "dev", "lo");
        for (String k : List.of("all", "eth0")) {
            exec(ns, "sysctl", "-q", "-w", "net.ipv4.conf." + k + ".arp_ignore=1");
            exec(ns, "sysctl", "-q", "-w", "net.ipv4.conf." + k + ".arp_announce=2");
        }
    }

    /** Runs argv in namespace ns and returns its output; fails on a non-zero exit. */
    public String exec(String ns, String... argv) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(List.of(argv));
        return sh(true, a.toArray(String[]::new));
    }

    /** Starts argv in namespace ns, output to {@code log}; killed by {@link #close}. */
    public Process start(String ns, Path log, String... argv) throws IOException {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(List.of(argv));
        Process p = new ProcessBuilder(a).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    /**
     * Starts argv in namespace ns, copies its output to {@code log}, and waits up to 60 s for an
     * output line containing {@code ready}; fails if the process ends or stays silent first.
     */
    public Process startAwaiting(String ns, Path log, String ready, String... argv) throws Exception {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(List.of(argv));
        Process p = new ProcessBuilder(a).redirectErrorStream(true).start();
        processes.add(p);
        java.util.concurrent.CompletableFuture<Void> seen = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
                 var out = java.nio.file.Files.newBufferedWriter(log)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    if (line.contains(ready)) {
                        seen.complete(null);
                    }
                }
            } catch (IOException e) {
                seen.completeExceptionally(e);
            }
            seen.completeExceptionally(new IOException(String.join(" ", argv) + " ended before '" + ready + "'"));
        });
        try {
            seen.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(e.getMessage() + "; output: " + java.nio.file.Files.readString(log), e);
        }
        return p;
    }

    /** Reads an interface counter of {@code dev} in namespace ns (rx_bytes, tx_packets, ...). */
    public long counter(String ns, String dev, String name) throws IOException, InterruptedException {
        return Long.parseLong(exec(ns, "cat", "/sys/class/net/" + dev + "/statistics/" + name).trim());
    }

    public static String sh(boolean check, String... argv) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes());
        if (!pr.waitFor(120, TimeUnit.SECONDS) || (check && pr.exitValue() != 0)) {
            throw new IOException(String.join(" ", argv) + ": " + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        for (Process pr : processes) {
            pr.destroy();
        }
        for (Process pr : processes) {
            if (!pr.waitFor(10, TimeUnit.SECONDS)) {
                pr.destroyForcibly();
            }
        }
        for (String l : links) {
            sh(false, "ip", "link", "del", l);
        }
        for (String ns : namespaces.reversed()) {
            sh(false, "ip", "netns", "del", ns);
        }
    }
}
