package io.l4lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stats page rendered by a real headless Chromium (Debian {@code chromium}): the DOM it builds
 * shows the test's servers in the states the test set, and a screenshot is kept as an artifact in
 * {@code target/stats-page.png}.
 */
class StatsPageChromiumTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void chromiumRendersEveryServerWithItsState(@TempDir Path profile) throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), "install Debian's chromium (apt-get install -y chromium)");
        try (AdminFixture fx = new AdminFixture()) {
            BackendRuntime web = fx.rt.web();
            web.setHealth(web.server("s1"), false, "Connection refused");
            web.setAdminState(web.server("s2"), AdminState.MAINT);
            web.setAdminState(web.server("s3"), AdminState.DRAIN);
            Path shot = Path.of("target", "stats-page.png").toAbsolutePath();
            Files.deleteIfExists(shot);
            String dom = chromium(profile.resolve("p1"), "--dump-dom", fx.base() + "/");
            Matcher m = Pattern.compile("data-server=\"([^\"]+)\" data-state=\"([A-Z]+)\"").matcher(dom);
            List<String> rows = new ArrayList<>();
            while (m.find()) {
                rows.add(m.group(1) + "=" + m.group(2));
            }
            assertEquals(List.of("s1=DOWN", "s2=MAINT", "s3=DRAIN", "m1=UP", "m2=UP"), rows, dom);
            assertTrue(dom.contains("<caption>backend web (wrr, proxy)</caption>"), dom);
            assertTrue(dom.contains("<caption>frontend fe_web</caption>"), dom);
            chromium(profile.resolve("p2"), "--screenshot=" + shot, "--window-size=1400,700", fx.base() + "/");
            assertTrue(Files.size(shot) > 1000, "screenshot written");
        }
    }

    private static String chromium(Path profile, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                try {
                    p.getInputStream().transferTo(b);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return b.toString(StandardCharsets.UTF_8);
            });
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
            assertEquals(0, p.exitValue());
            return out.get(10, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
    }
}
