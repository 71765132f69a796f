package io.l4lb.core.config.parse;

import static org.junit.jupiter.api.Assertions.fail;

import io.l4lb.core.config.ConfigException;
import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.Diagnostic;
import io.l4lb.core.config.L4Config;
import java.util.List;

/** Test helpers: parse text as file "t.cfg" and look at the outcome as printed strings. */
final class Cfg {
    private Cfg() {
    }

    static L4Config ok(String text) {
        try {
            return ConfigParser.parse("t.cfg", text);
        } catch (ConfigException e) {
            return fail("expected a valid config, got: " + e.errors());
        }
    }

    static List<String> errors(String text) {
        try {
            ConfigParser.parse("t.cfg", text);
        } catch (ConfigException e) {
            return e.errors().stream().map(Diagnostic::toString).toList();
        }
        return fail("expected errors for:\n" + text);
    }

    static List<String> warnings(String text) {
        return ok(text).warnings().stream().map(Diagnostic::toString).toList();
    }

    /** A minimal valid frame around proxy lines: defaults with timeouts, then the given text. */
    static String withDefaults(String text) {
        return "defaults\n mode tcp\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n" + text;
    }
}
