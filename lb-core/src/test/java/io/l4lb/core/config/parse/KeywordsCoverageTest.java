package io.l4lb.core.config.parse;

import static io.l4lb.core.config.parse.Cfg.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every keyword of shared/corpus/haproxy-tcp/KEYWORDS.md used by 3 or more files is in a keyword
 * table (supported, ignored with a warning, or rejected with a reason), or, for address and
 * section forms, parses in a small config.
 */
class KeywordsCoverageTest {
    private static final String D = "defaults\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n";

    /** Forms that are not table entries: a config that uses each. */
    private static final Map<String, String> FORMS = Map.of(
            "server <hostname, needs DNS>", D + "backend b\n server s db.example.com:5432\n",
            "bind <IPv6 :::port>", D + "frontend f\n bind :::443\n default_backend b\nbackend b\n server s 10.0.0.1:1\n",
            "listen <name> <address> (inline address, pre-1.x style)", D + "listen l 0.0.0.0:3306\n server s 10.0.0.1:1\n",
            "server <address without port>", D + "backend b\n server s 10.0.0.1\n");

    record Row(String keyword, String category, int files) {}

    static List<Row> rows() throws Exception {
        Path md = CorpusTest.corpusDir().resolve("KEYWORDS.md");
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(md)) {
            String[] c = line.split("\\|");
            if (c.length >= 6 && c[1].trim().matches("\\d+")) {
                rows.add(new Row(c[2].trim().replace("`", ""), c[3].trim(), Integer.parseInt(c[4].trim())));
            }
        }
        return rows;
    }

    @Test
    void everyKeywordUsedByThreeOrMoreFilesIsUnderstood() throws Exception {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Row r : rows()) {
            if (r.files() < 3) {
                continue;
            }
            checked++;
            if (!understood(r)) {
                missing.add(r.category() + ": " + r.keyword());
            }
        }
        assertEquals(List.of(), missing);
        assertTrue(checked >= 80, "KEYWORDS.md lists 85 keywords used by 3+ files, checked " + checked);
    }

    private static boolean understood(Row r) {
        String[] w = r.keyword().split(" ");
        return switch (r.category()) {
            case "section" -> ConfigLoader.SECTIONS.contains(w[0]);
            case "proxy", "mode", "option", "tcp-check", "http-check", "tcp-request" -> inTable(ProxyKeywords.TABLE, w);
            case "global" -> inTable(GlobalKeywords.TABLE, w);
            case "balance" -> ProxyKeywords.knownBalance().contains(w[1]);
            case "server-option" -> ServerKeywords.optionNames().contains(w[0]);
            case "bind-option" -> BindKeywords.knows(w[0]);
            case "acl-criterion" -> AclCriteria.isKnown(w[0]) || AclCriteria.isLayer7(w[0]);
            default -> FORMS.containsKey(r.keyword()) && ok(FORMS.get(r.keyword())) != null;
        };
    }

    private static boolean inTable(KeywordTable<?> t, String[] w) {
        if (t.hasSub(w[0])) {
            return w.length > 1 && t.subKeys(w[0]).contains(w[1]);
        }
        return t.keywords().contains(w[0]);
    }
}
