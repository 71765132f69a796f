package io.l4lb.server.vrrp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Namespaces for the privileged end-to-end tests of lb-server: a switch namespace with a bridge,
 * hosts with an {@code eth0} veth on it at 10.{net}.0.{n}/24. Names are unique per JVM and run;
 * {@link #close()} stops (by PID) every process it started and deletes every namespace it made
 * (the veths go with them). lb-dataplane's NetnsLab is in its test sources, which lb-server cannot
 * reach, hence this small twin.
 */
final class Netns implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    final String prefix;
    final int net;
    private final String sw;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Proc> processes = new ArrayList<>();

    Netns() throws IOException {
        int id = SEQ.incrementAndGet();
        prefix = "wv" + (ProcessHandle.current().pid() % 10000) + "x" + id;
        net = 100 + (int) ((ProcessHandle.current().pid() * 11 + id * 3) % 150);
        sw = prefix + "sw";
        addNamespace(sw);
        sh("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        sh("ip", "-n", sw, "link", "set", "br0", "up");
    }

    /** Adds host {@code name} with 10.net.0.{n}/24 on its eth0; returns the namespace name. */
    String host(String name, int n) throws IOException {
        String ns = prefix + name;
        addNamespace(ns);
        String outer = ("v" + prefix.substring(2) + name);
        outer = outer.substring(0, Math.min(15, outer.length()));
        sh("ip", "link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "link", "set", outer, "netns", sw);
        sh("ip", "-n", sw, "link", "set", outer, "master", "br0");
        sh("ip", "-n", sw, "link", "set", outer, "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "addr", "add", address(n) + "/24", "dev", "eth0");
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        return ns;
    }

    String address(int n) {
        return "10." + net + ".0." + n;
    }

    private void addNamespace(String ns) throws IOException {
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    /** Starts {@code command} in {@code ns}; stderr merged into the lines read. */
    Proc spawn(String ns, List<String> command) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(command);
        Proc p = new Proc(ns, new ProcessBuilder(argv).redirectErrorStream(true).start());
        processes.add(p);
        return p;
    }

    static String sh(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " timed out");
            }
            String s = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " exited " + p.exitValue() + ": " + s);
            }
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static boolean hasAddress(String ns, String address) throws IOException {
        return sh("ip", "-n", ns, "-4", "-o", "addr", "show").contains(" " + address + "/");
    }

    /** A started process and its output lines, each stamped with the receiving monotonic time unless it carries mono=. */
    static final class Proc {
        record Line(String text, long mono) {
        }

        final String ns;
        final Process process;
        final List<Line> all = new CopyOnWriteArrayList<>();
        private final BlockingQueue<Line> pending = new LinkedBlockingQueue<>();
        private final Thread reader;

        Proc(String ns, Process process) {
            this.ns = ns;
            this.process = process;
            reader = Thread.ofPlatform().daemon().name("reader-" + ns).start(this::read);
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String s;
                while ((s = r.readLine()) != null) {
                    int i = s.lastIndexOf(" mono=");
                    Line l = i < 0 ? new Line(s, System.nanoTime()) : new Line(s.substring(0, i), Long.parseLong(s.substring(i + 6)));
                    all.add(l);
                    pending.add(l);
                }
            } catch (IOException | NumberFormatException e) {
                // the process is gone
            }
        }

        /** The next line containing {@code fragment} within {@code millis}; null on timeout. */
        Line await(String fragment, long millis) throws InterruptedException {
            long end = System.nanoTime() + millis * 1_000_000L;
            while (true) {
                long left = end - System.nanoTime();
                Line l = left <= 0 ? null : pending.poll(left, TimeUnit.NANOSECONDS);
                if (l == null || l.text().contains(fragment)) {
                    return l;
                }
            }
        }

        void skipPending() {
            pending.clear();
        }

        long count(String fragment) {
            return all.stream().filter(l -> l.text().contains(fragment)).count();
        }

        void signal(String sig) throws IOException {
            sh("kill", "-" + sig, Long.toString(process.pid()));
        }

        boolean awaitExit(long millis) throws InterruptedException {
            boolean done = process.waitFor(millis, TimeUnit.MILLISECONDS);
            reader.join(millis);
            return done;
        }

        String output() {
            StringBuilder sb = new StringBuilder();
            all.forEach(l -> sb.append(l.text()).append('\n'));
            return sb.toString();
        }
    }

    @Override
    public void close() {
        for (Proc p : processes) {
            if (p.process.isAlive()) {
                p.process.destroy(); // SIGTERM, by PID
            }
        }
        for (Proc p : processes) {
            try {
                if (!p.process.waitFor(10, TimeUnit.SECONDS)) {
                    p.process.destroyForcibly();
                    p.process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                sh("ip", "netns", "del", namespaces.get(i));
            } catch (IOException ignored) {
                // best effort; names are unique per run
            }
        }
    }
}
