package io.l4lb.server.cli;

import io.l4lb.core.config.ConfigException;
import io.l4lb.core.config.ConfigParser;
import io.l4lb.core.config.Diagnostic;
import io.l4lb.core.config.L4Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code l4lb check -f FILE [-f FILE ...]}: validates a configuration like {@code haproxy -c}.
 * Exit 0 when valid (warnings allowed), 1 when invalid, 2 on a usage error. Warnings and errors
 * go to stderr as {@code [WARNING] file:line:col: 'keyword': ...} / {@code [ALERT] ...}.
 */
public final class CheckCommand implements Command {
    private final HostnameCheck.Resolver resolver;

    public CheckCommand() {
        this(HostnameCheck.SYSTEM);
    }

    /** With a given host-name resolver (tests). */
    CheckCommand(HostnameCheck.Resolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public String name() {
        return "check";
    }

    @Override
    public String summary() {
        return "validate config files, like haproxy -c";
    }

    @Override
    public String usage() {
        return """
                usage: l4lb check -f FILE|DIR [-f FILE|DIR ...] [--no-dns] [-q]

                Parses and validates the configuration, the way 'haproxy -c' does.
                Several -f options (or a directory, whose *.cfg files are read in name
                order) are loaded in order as one configuration.

                  -f FILE|DIR  config file or directory (repeatable)
                  --no-dns     do not look up server host names
                  -q           print nothing on success

                Warnings and errors go to stderr as
                  [WARNING] file:line:col: 'keyword': message
                  [ALERT] file:line:col: 'keyword': message (expected: ...)
                Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage error.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        List<Path> files = new ArrayList<>();
        boolean dns = true;
        boolean quiet = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-f" -> {
                    if (i + 1 >= args.size()) {
                        return usageError(err, "-f needs a file or directory");
                    }
                    files.add(Path.of(args.get(++i)));
                }
                case "--no-dns" -> dns = false;
                case "-q" -> quiet = true;
                case "-c" -> { } // haproxy -c habit: checking is what this command does anyway
                default -> {
                    if (a.startsWith("-f") && a.length() > 2) {
                        files.add(Path.of(a.substring(2)));
                    } else {
                        return usageError(err, "unknown argument '" + a + "'");
                    }
                }
            }
        }
        if (files.isEmpty()) {
            return usageError(err, "no configuration file given (-f FILE)");
        }
        for (Path f : files) {
            if (!Files.exists(f)) {
                err.println("[ALERT] " + f + ": cannot read configuration file: no such file or directory");
                return 1;
            }
        }
        L4Config config;
        try {
            List<Path> expanded = ConfigParser.expand(files);
            if (expanded.isEmpty()) {
                err.println("[ALERT] " + files + ": no *.cfg file found");
                return 1;
            }
            config = ConfigParser.parseFiles(expanded);
        } catch (IOException e) {
            err.println("[ALERT] cannot read configuration: " + e.getMessage());
            return 1;
        } catch (ConfigException e) {
            print(err, e.warnings());
            print(err, e.errors());
            err.println("[ALERT] Fatal errors found in configuration (" + e.errors().size() + " error"
                    + (e.errors().size() == 1 ? "" : "s") + ").");
            return 1;
        }
        print(err, config.warnings());
        if (dns) {
            print(err, new HostnameCheck(resolver, Duration.ofSeconds(3)).check(config));
        }
        if (!quiet) {
            out.println("Configuration file is valid");
        }
        return 0;
    }

    private static void print(PrintStream err, List<Diagnostic> ds) {
        for (Diagnostic d : ds) {
            err.println((d.severity() == Diagnostic.Severity.ERROR ? "[ALERT] " : "[WARNING] ") + d);
        }
    }

    private int usageError(PrintStream err, String why) {
        err.println("l4lb check: " + why);
        err.println(usage());
        return 2;
    }
}
