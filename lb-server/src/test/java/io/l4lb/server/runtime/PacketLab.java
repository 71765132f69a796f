package io.l4lb.server.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.dataplane.packet.io.NetnsL2Lab;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the packet-plane namespace tests share: the {@code l4lb} command line (this JVM, the test
 * class path) and a real server set up the way an operator would: {@code l4lb realserver --apply},
 * {@code l4lb decap} in tunnel mode (these kernels have no ipip module), then the test's Python
 * server script.
 */
final class PacketLab {
    private PacketLab() {
    }

    /** {@code l4lb ARGS...} as a command line: this JVM with C1 only (short-lived helpers start faster). */
    static String[] l4lb(String... args) {
        List<String> a = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.l4lb.server.Main"));
        a.addAll(List.of(args));
        return a.toArray(String[]::new);
    }

    /**
     * The l4lb.cfg the namespace tests run: frontend {@code web} on VIP:80 to backend {@code farm}
     * ({@code forward}, {@code balance}, then the {@code servers} lines), the {@code extra}
     * sections, and the admin API on 127.0.0.1:9900, with {@code token-file} when {@code token}
     * is not null (the API is read-only without one).
     */
    static String farmConfig(String vip, String forward, String balance, String servers, String extra, Path token) {
        return """
                global
                    nbthread 2
                defaults
                    mode tcp
                    timeout connect 3s
                    timeout client 1m
                    timeout server 1m
                frontend web
                    bind %s:80
                    default_backend farm
                backend farm
                    forward %s
                    balance %s
                %s%sadmin
                    bind 127.0.0.1:9900
                %s""".formatted(vip, forward, balance, servers, extra,
                token == null ? "" : "    token-file " + token + "\n");
    }

    /**
     * Real server {@code rs<i>} at host number {@code 10 + i} of {@code lab}, set up for {@code mode}
     * (dr or tunnel) and {@code vip}, running {@code dir/server.py SCRIPT_ARGS...} until it prints
     * "ready". Returns the namespace.
     */
    static String realServer(NetnsL2Lab lab, Path dir, int i, String mode, String vip, String... scriptArgs)
            throws Exception {
        String rs = lab.host("rs" + i, 10 + i);
        String applied = lab.exec(rs, l4lb("realserver", "--mode", mode, "--vip", vip, "--apply"));
        assertTrue(applied.contains("done: sysctl -w net.ipv4.conf.all.arp_ignore=1"), applied);
        if (mode.equals("tunnel")) {
            lab.startAwaiting(rs, dir.resolve("decap" + i + ".log"), "l4lb decap: IPIP", l4lb("decap", "--vip", vip));
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", dir.resolve("server.py").toString()));
        cmd.addAll(List.of(scriptArgs));
        lab.startAwaiting(rs, dir.resolve("rs" + i + ".log"), "ready", cmd.toArray(String[]::new));
        return rs;
    }
}
