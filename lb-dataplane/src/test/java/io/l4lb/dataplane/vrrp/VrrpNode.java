package io.l4lb.dataplane.vrrp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link VrrpNodeMain} running as its own JVM inside a namespace. Its stdout lines (events with
 * the host's monotonic clock) are collected by a reader thread; tests wait on them with timeouts.
 */
final class VrrpNode {
    record Line(String text, long mono) {
        boolean is(String fragment) {
            return text.contains(fragment);
        }
    }

    final String ns;
    final Process process;
    private final BlockingQueue<Line> pending = new LinkedBlockingQueue<>();
    final List<Line> all = new CopyOnWriteArrayList<>();

    private final Thread reader;

    private VrrpNode(String ns, Process process) {
        this.ns = ns;
        this.process = process;
        reader = new Thread(this::read, "node-reader-" + ns);
        reader.setDaemon(true);
        reader.start();
    }

    static VrrpNode start(NetnsLab lab, String ns, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dl4lb.node.id=" + ns, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                "-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %5$s%6$s%n",
                "-cp", System.getProperty("java.class.path"), VrrpNodeMain.class.getName()));
        cmd.addAll(List.of(args));
        return new VrrpNode(ns, lab.spawn(ns, cmd, ProcessBuilder.Redirect.appendTo(log.toFile())));
    }

    /** Any program (keepalived) in {@code ns}, stderr merged into the lines read. */
    static VrrpNode startProgram(NetnsLab lab, String ns, List<String> cmd) throws IOException {
        return new VrrpNode(ns, lab.spawn(ns, cmd, null));
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String s;
            while ((s = r.readLine()) != null) {
                int i = s.lastIndexOf(" mono=");
                long mono = i < 0 ? System.nanoTime() : Long.parseLong(s.substring(i + 6));
                Line line = new Line(i < 0 ? s : s.substring(0, i), mono);
                all.add(line);
                pending.add(line);
            }
        } catch (IOException e) {
            // the test destroyed the process: its stream is gone
        }
    }

    /** The next line containing {@code prefix} within {@code millis}, skipping others; null on timeout. */
    Line await(String prefix, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Line l = pending.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                return null;
            }
            if (l.is(prefix)) {
                return l;
            }
        }
    }

    /** Waits for the process to exit and its output to be read; false on timeout. */
    boolean awaitExit(long millis) throws InterruptedException {
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        reader.join(millis);
        return !reader.isAlive();
    }

    /** Stops the node with SIGTERM and returns its final counter {@code name} (from its COUNTERS line). */
    long counterAtExit(String name) throws IOException, InterruptedException {
        NetnsLab.signal(process, "TERM");
        if (!awaitExit(10_000)) {
            throw new IllegalStateException(ns + " did not stop on SIGTERM");
        }
        String counters = all.stream().filter(l -> l.is("COUNTERS")).findFirst().orElseThrow().text();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + name + "=(\\d+)").matcher(counters);
        if (!m.find()) {
            throw new IllegalStateException("no counter " + name + " in " + counters);
        }
        return Long.parseLong(m.group(1));
    }

    /** Forgets lines not yet awaited. */
    void skipPending() {
        pending.clear();
    }

    long count(String prefix, long afterMono) {
        return all.stream().filter(l -> l.is(prefix) && l.mono() > afterMono).count();
    }

    String lastState() {
        String s = null;
        for (Line l : all) {
            if (l.is("STATE ")) {
                s = l.text().split(" ")[1];
            }
        }
        return s;
    }
}
