package io.l4lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void versionNamesL4lbJavaAndNetty() throws Exception {
        assertEquals(0, run("version"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("l4lb "), text);
        assertTrue(text.contains("java " + Runtime.version().feature()), text);
        assertTrue(text.contains("netty 4.2.18.Final"), text);
    }

    @Test
    void noArgumentsIsAUsageError() throws Exception {
        assertEquals(2, run());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: l4lb COMMAND"));
    }

    @Test
    void unknownCommandIsAUsageErrorNamingIt() throws Exception {
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'frobnicate'"));
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String name : Main.commands().keySet()) {
            out.reset();
            assertEquals(0, run(name, "--help"), name);
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: l4lb " + name), name);
        }
    }
}
