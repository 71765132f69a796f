package io.l4lb.core.config.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.l4lb.core.config.ConfigException;
import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.Diagnostic;
import io.l4lb.core.config.L4Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the parser over every file of the shared HAProxy tcp-mode corpus. Each file has an
 * expectation: accepted (with warnings), or rejected for a precise reason: one HAProxy 2.6
 * also rejects (SOURCES.md), or a feature l4lb deliberately lacks (TLS termination, Lua).
 */
class CorpusTest {
    /** file prefix -> the first error, "file:" omitted (line:col: 'keyword': message start). */
    static final Map<String, String> REJECTED = Map.of(
            "07", "24:21: 'timeout connect': '5000000000000ms' is too large",
            "12", "18:17: 'bind': 'ssl': TLS termination is not supported",
            "14", "8:5: 'lua-load': Lua is not supported",
            "34", "65:55: 'bind': 'ssl': TLS termination is not supported",
            "35", "22:7: 'bind': 'x.x.x.x' looks like a placeholder",
            "36", "28:20: 'bind': 'ssl': TLS termination is not supported");

    /** Accepted files that HAProxy 2.6 rejects: the warning that explains what l4lb did instead. */
    static final Map<String, String> ACCEPTED_WITH_NOTE = Map.of(
            "04", "7:9: 'nbproc': ignored: removed in HAProxy 2.5",
            "15", "15:9: 'contimeout': removed in HAProxy 2.1 (HAProxy 2.6 rejects it), read as 'timeout connect'",
            "39", "17:16: 'listen': an address on the listen line is pre-1.5 syntax");

    static Path corpusDir() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("l4lb.corpus.dir");
        if (prop != null) {
            candidates.add(Path.of(prop, "haproxy-tcp"));
        }
        candidates.add(Path.of("/work/shared/corpus/haproxy-tcp"));
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return fail("corpus not found in " + candidates);
    }

    static List<Path> corpusFiles() throws Exception {
        try (Stream<Path> s = Files.list(corpusDir())) {
            return s.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusFileMeetsItsExpectation() throws Exception {
        return corpusFiles().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String id = f.getFileName().toString().substring(0, 2);
            String prefix = f + ":";
            try {
                L4Config c = ConfigParser.parseFile(f);
                if (REJECTED.containsKey(id)) {
                    fail("expected rejection '" + REJECTED.get(id) + "', but it was accepted");
                }
                assertTrue(!c.frontends().isEmpty() || !c.backends().isEmpty(), "no proxies read");
                if (ACCEPTED_WITH_NOTE.containsKey(id)) {
                    String want = prefix + ACCEPTED_WITH_NOTE.get(id);
                    assertTrue(c.warnings().stream().map(Diagnostic::toString).anyMatch(w -> w.startsWith(want)),
                            "missing warning " + want + " in " + c.warnings());
                }
            } catch (ConfigException e) {
                if (!REJECTED.containsKey(id)) {
                    fail("expected acceptance, got " + e.errors());
                }
                String first = e.errors().get(0).toString();
                assertTrue(first.startsWith(prefix + REJECTED.get(id)), "first error was " + first);
            }
        }));
    }

    @Test
    void atLeast33Of40AreAccepted() throws Exception {
        List<Path> files = corpusFiles();
        int accepted = 0;
        StringBuilder report = new StringBuilder();
        for (Path f : files) {
            try {
                L4Config c = ConfigParser.parseFile(f);
                accepted++;
                report.append("accepted ").append(f.getFileName()).append(" (").append(c.warnings().size()).append(" warnings)\n");
            } catch (ConfigException e) {
                report.append("rejected ").append(f.getFileName()).append(": ").append(e.errors().get(0)).append('\n');
            }
        }
        System.out.print(report);
        System.out.println("corpus: " + accepted + " of " + files.size() + " accepted");
        assertEquals(40, files.size());
        assertEquals(34, accepted, report.toString());
    }

    @Test
    void filesWithoutFinalNewlineAreAccepted() throws Exception {
        int checked = 0;
        for (Path f : corpusFiles()) {
            byte[] b = Files.readAllBytes(f);
            if (b.length > 0 && b[b.length - 1] != '\n') {
                ConfigParser.parseFile(f);
                checked++;
            }
        }
        assertEquals(6, checked, "SOURCES.md lists 6 files without a final newline");
    }
}
