package io.l4lb.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.l4lb.server.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
    /** Resolves only names in {@code known}; records every lookup. */
    private final Set<String> lookups = ConcurrentHashMap.newKeySet();
    private final Set<String> known = Set.of("db.good.example", "localhost");
    private final CheckCommand command = new CheckCommand(host -> {
        lookups.add(host);
        if (!known.contains(host)) {
            throw new UnknownHostException(host);
        }
    });

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = command.run(Arrays.asList(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static final String VALID = "defaults\n mode tcp\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n"
            + "frontend f\n bind 127.0.0.1:0\n default_backend b\n"
            + "backend b\n option httplog\n server s1 10.0.0.1:80 check\n server s2 db.good.example:80\n"
            + " server s3 nowhere.invalid:80\n";

    @Test
    void validConfigExitsZeroWithWarningsOnStderr() throws Exception {
        Path f = file("ok.cfg", VALID);
        Result r = run("-f", f.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("Configuration file is valid" + System.lineSeparator(), r.out());
        assertEquals(List.of(
                "[WARNING] " + f + ":10:2: 'option httplog': ignored: a layer-7 (HTTP) feature, l4lb forwards at layer 4",
                "[WARNING] " + f + ":13:9: 'server': server 's3': host 'nowhere.invalid' does not resolve here; the production "
                        + "host may resolve it (l4lb resolves it at start and on reload, init-addr last,libc)"),
                r.err().lines().toList());
        assertEquals(Set.of("db.good.example", "nowhere.invalid"), lookups, "IP literals are never looked up");
    }

    @Test
    void noDnsSkipsLookupsAndQuietPrintsNothing() throws Exception {
        Result r = run("--no-dns", "-q", "-f", file("ok.cfg", VALID).toString());
        assertEquals(0, r.code());
        assertEquals("", r.out());
        assertTrue(lookups.isEmpty());
        assertEquals(1, r.err().lines().count());
    }

    @Test
    void invalidConfigExitsOneWithAlerts() throws Exception {
        Path f = file("bad.cfg", "frontend f\n bind :80\n maxconn abc\n default_backend nope\n");
        Result r = run("-f", f.toString());
        assertEquals(1, r.code());
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(List.of(
                "[WARNING] " + f + ":1:10: 'frontend': missing timeouts for frontend 'f': set 'timeout client' (idle connections "
                        + "are otherwise kept forever)",
                "[ALERT] " + f + ":3:10: 'maxconn': 'abc' is not an integer (expected: maxconn, 0..2147483647)",
                "[ALERT] " + f + ":4:18: 'default_backend': unknown backend 'nope' (expected: a name defined in the config; none is)",
                "[ALERT] Fatal errors found in configuration (2 errors)."), lines);
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run().code());
        assertEquals(2, run("-f").code());
        Result r = run("--frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("l4lb check: unknown argument '--frobnicate'"), r.err());
        assertTrue(r.err().contains("usage: l4lb check -f FILE|DIR"));
    }

    @Test
    void missingFileExitsOne() {
        Result r = run("-f", dir.resolve("absent.cfg").toString());
        assertEquals(1, r.code());
        assertEquals("[ALERT] " + dir.resolve("absent.cfg") + ": cannot read configuration file: no such file or directory",
                r.err().strip());
    }

    @Test
    void severalFilesLoadInOrderAsOneConfig() throws Exception {
        Path a = file("10-global.cfg", "global\n maxconn 100\ndefaults\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n");
        Path b = file("20-smtp.cfg", "frontend smtp\n bind 127.0.0.1:2525\n default_backend smtp\n"
                + "backend smtp\n server s 10.0.0.1:25\n");
        assertEquals(0, run("--no-dns", "-f", a.toString(), "-f", b.toString()).code());
        Result whole = run("--no-dns", "-f", dir.toString());
        assertEquals(0, whole.code(), whole.err());
        assertEquals("", whole.err(), "the defaults of file 10 apply to file 20: no missing-timeout warnings");
        // each file starts outside any section
        Path c = file("30-bad.cfg", " server x 10.0.0.1:1\n");
        Result r = run("--no-dns", "-f", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("[ALERT] " + c + ":1:2: 'server': keyword outside any section"), r.err());
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aLookupThatHangsIsCutAtTheDeadline() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HostnameCheck slow = new HostnameCheck(host -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, java.time.Duration.ofMillis(200));
        var config = io.l4lb.core.config.ConfigParser.parse("t.cfg", "backend b\n server s slow.example:80\n");
        long start = System.nanoTime();
        var warnings = slow.check(config);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        release.countDown();
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).message().contains("host 'slow.example' did not resolve within 200 ms"), warnings.toString());
        assertTrue(tookMs < 5_000, "took " + tookMs + " ms");
    }

    @Test
    void helpThroughMain() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(List.of("check", "--help"), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: l4lb check -f FILE|DIR"));
    }

    /** Corpus files l4lb rejects, with the first alert (after the path). The other 34 are valid. */
    private static final Map<String, String> REJECTED = Map.of(
            "07", ":24:21: 'timeout connect':", "12", ":18:17: 'bind': 'ssl': TLS termination",
            "14", ":8:5: 'lua-load': Lua is not supported", "34", ":65:55: 'bind': 'ssl': TLS termination",
            "35", ":22:7: 'bind': 'x.x.x.x' looks like a placeholder", "36", ":28:20: 'bind': 'ssl': TLS termination");

    @Test
    void checkOverTheWholeCorpus() throws Exception {
        Path corpus = Path.of(System.getProperty("l4lb.corpus.dir", "/work/shared/corpus"), "haproxy-tcp");
        if (!Files.isDirectory(corpus)) {
            corpus = Path.of("/work/shared/corpus/haproxy-tcp");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus)) {
            files = s.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
        }
        assertEquals(40, files.size());
        List<String> valid = new ArrayList<>();
        for (Path f : files) {
            String id = f.getFileName().toString().substring(0, 2);
            Result r = run("-f", f.toString());
            if (REJECTED.containsKey(id)) {
                assertEquals(1, r.code(), f + "\n" + r.err());
                String firstAlert = r.err().lines().filter(l -> l.startsWith("[ALERT]")).findFirst().orElseThrow();
                assertTrue(firstAlert.startsWith("[ALERT] " + f + REJECTED.get(id)), firstAlert);
            } else if (r.code() == 0) {
                assertEquals("Configuration file is valid" + System.lineSeparator(), r.out());
                valid.add(id);
            } else {
                fail(f + " rejected:\n" + r.err());
            }
        }
        System.out.println("l4lb check over the corpus: " + valid.size() + " of " + files.size() + " valid");
        assertEquals(34, valid.size());
        assertTrue(lookups.contains("mssql_primary"), "host names of the corpus were looked up");
    }
}
