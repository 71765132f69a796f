package io.l4lb.server.vrrp;

import io.l4lb.dataplane.vrrp.NetnsLab;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * lb-dataplane's {@link NetnsLab} (bridge + hosts at 10.{net}.0.{n}/24, everything removed and
 * every started process stopped by PID on {@link #close()}) plus what the l4lb-run tests need on
 * top: processes whose output lines are read and time-stamped as they arrive.
 */
final class Netns implements AutoCloseable {
    private final NetnsLab lab;
    final String prefix;

    Netns() throws IOException {
        lab = new NetnsLab();
        prefix = lab.prefix;
    }

    /** Adds host {@code name} with 10.net.0.{n}/24 on its eth0; returns the namespace name. */
    String host(String name, int n) throws IOException {
        return lab.addHost(name, n);
    }

    String address(int n) {
        return lab.address(n);
    }

    /** Starts {@code command} in {@code ns}; stderr merged into the lines read. */
    Proc spawn(String ns, List<String> command) throws IOException {
        return new Proc(ns, lab.spawn(ns, command, null));
    }

    static String sh(String... argv) throws IOException {
        return NetnsLab.sh(argv);
    }

    static boolean hasAddress(String ns, String address) throws IOException {
        return NetnsLab.hasAddress(ns, address);
    }

    @Override
    public void close() {
        lab.close();
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
            NetnsLab.signal(process, sig);
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
}
