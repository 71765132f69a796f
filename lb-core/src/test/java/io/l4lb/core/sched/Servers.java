package io.l4lb.core.sched;

import java.util.ArrayList;
import java.util.List;

/** Test helpers: server lists with fresh loads, and connection open/close as the dataplane does. */
final class Servers {
    private Servers() {
    }

    /** Servers named a, b, c... (then s26, s27...) with these weights. */
    static List<SchedServer> weighted(int... weights) {
        List<SchedServer> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(new SchedServer(name(i), weights[i], new ServerLoad()));
        }
        return list;
    }

    static List<SchedServer> equal(int n) {
        int[] w = new int[n];
        java.util.Arrays.fill(w, 1);
        return weighted(w);
    }

    static String name(int i) {
        return i < 26 ? String.valueOf((char) ('a' + i)) : "s" + i;
    }

    /** A connection to server i opened: count it, then tell the scheduler (dataplane order). */
    static void open(Scheduler s, List<SchedServer> servers, int i) {
        servers.get(i).load().addActive(1);
        s.loadChanged(i);
    }

    static void close(Scheduler s, List<SchedServer> servers, int i) {
        servers.get(i).load().addActive(-1);
        s.loadChanged(i);
    }

    /** n picks, each followed by opening a connection to the picked server; names joined by ' '. */
    static String pickAndHold(Scheduler s, List<SchedServer> servers, int n) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < n; k++) {
            int i = s.pick(k);
            out.append(k == 0 ? "" : " ").append(i < 0 ? "-" : servers.get(i).name());
            if (i >= 0) {
                open(s, servers, i);
            }
        }
        return out.toString();
    }

    /** n picks with no load change; names joined by ' '. */
    static String picks(Scheduler s, List<SchedServer> servers, int n) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < n; k++) {
            int i = s.pick(k);
            out.append(k == 0 ? "" : " ").append(i < 0 ? "-" : servers.get(i).name());
        }
        return out.toString();
    }
}
