package io.l4lb.bench.sched;

import io.l4lb.core.sched.SchedServer;
import io.l4lb.core.sched.ServerLoad;
import java.util.ArrayList;
import java.util.List;

/** Server lists for the scheduler benchmarks: names like real hosts, mixed weights 1..16. */
final class BenchServers {
    private BenchServers() {
    }

    static List<SchedServer> mixed(int n) {
        List<SchedServer> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new SchedServer("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + ":8080",
                    1 + (i * 7) % 16, new ServerLoad()));
        }
        return list;
    }
}
