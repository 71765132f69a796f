package io.l4lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/jdk.sh, sourced by bin/l4lb and bin/test: finds a JDK >= 25 or says what to install. */
class LauncherJdkDiscoveryTest {
    private static final Path PROJECT = Path.of(System.getProperty("l4lb.project.dir", "..")).toAbsolutePath();
    private static final Path CURRENT_JDK = Path.of(System.getProperty("java.home"));

    private record Result(int code, String out) {}

    private static Result source(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". bin/jdk.sh && echo \"found=$JAVA_HOME\"")
                .directory(PROJECT.toFile()).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), text);
    }

    @Test
    void usesJavaHomeWhenItIsRecentEnough() throws Exception {
        Result r = source(Map.of("JAVA_HOME", CURRENT_JDK.toString(), "L4LB_JVM_DIR", "/nonexistent"));
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("found=" + CURRENT_JDK), r.out());
    }

    @Test
    void scansTheJvmDirectoryWithoutJavaHome(@TempDir Path jvms) throws Exception {
        Files.createSymbolicLink(jvms.resolve("some-jdk-25"), CURRENT_JDK);
        Result r = source(Map.of("L4LB_JVM_DIR", jvms.toString()));
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("found=" + jvms.resolve("some-jdk-25")), r.out());
    }

    @Test
    void saysWhatToInstallWhenNoJdk25Exists(@TempDir Path empty) throws Exception {
        Result r = source(Map.of("JAVA_HOME", "/nonexistent", "L4LB_JVM_DIR", empty.toString()));
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("no JDK 25 or newer found"), r.out());
        assertTrue(r.out().contains("temurin-25-jdk"), r.out());
    }
}
