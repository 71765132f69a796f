package io.l4lb.health.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real peer program (mariadbd, redis-server, postgres) started by a test in its own temp dir on
 * a free loopback port, and stopped by its PID. Readiness is a line the program prints (no polling,
 * no sleeping). When the binary is missing the test is skipped with a clear message, except under
 * {@code CI=true} where {@code .ci/run} installs them and a missing binary is a failure.
 */
public final class ExternalServer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;
    private final StringBuffer output = new StringBuffer();

    private ExternalServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Skips (or fails under CI) when {@code binary} is not installed; returns its path. */
    public static String require(String binary, String what) {
        for (String d : List.of("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin")) {
            Path p = Path.of(d, binary);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String msg = binary + " is not installed: " + what + " needs it (apt-get install " + packageOf(binary) + ")";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(msg + "; .ci/run installs it, so under CI this is a failure");
        }
        Assumptions.abort(msg);
        return null;
    }

    private static String packageOf(String binary) {
        return switch (binary) {
            case "mariadbd", "mariadb-install-db", "mariadb" -> "mariadb-server";
            case "redis-server" -> "redis-server";
            default -> "postgresql";
        };
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs a setup command to completion (bounded), failing with its output. */
    public static String runToEnd(List<String> cmd, Path workDir) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        String text = out.get(10, TimeUnit.SECONDS);
        if (p.exitValue() != 0) {
            throw new AssertionError(cmd + " failed (" + p.exitValue() + "): " + text);
        }
        return text;
    }

    /** Starts {@code cmd} and waits (bounded) until its output contains {@code readyLine}. */
    public static ExternalServer start(List<String> cmd, Path dir, int port, String readyLine) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        ExternalServer s = new ExternalServer(p, dir, port);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    s.output.append(line).append('\n');
                    if (line.contains(readyLine)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            ready.completeExceptionally(new AssertionError("exited before ready: " + s.output));
        });
        try {
            ready.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            s.close();
            throw new AssertionError(cmd.getFirst() + " did not become ready: " + s.output, e);
        }
        return s;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the program by its PID (SIGTERM, then SIGKILL after 30 s) and deletes its directory. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        deleteTree(dir);
    }

    public static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
