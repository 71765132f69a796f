package io.l4lb.server;

import io.l4lb.server.cli.CheckCommand;
import io.l4lb.server.cli.CtlCommand;
import io.l4lb.server.cli.Command;
import io.l4lb.server.cli.DecapCommand;
import io.l4lb.server.cli.DemoCommand;
import io.l4lb.server.cli.RealServerCommand;
import io.l4lb.server.cli.RunCommand;
import io.l4lb.server.cli.VersionCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code l4lb COMMAND [ARGS]}: the command-line entry point. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int code = run(Arrays.asList(args), System.out, System.err);
        if (code != 0 || !RunningServers.any()) {
            System.exit(code);
        }
    }

    /** Runs one command and returns its exit code (tests call this). */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Map<String, Command> commands = commands();
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            printHelp(commands, args.isEmpty() ? err : out);
            return args.isEmpty() ? 2 : 0;
        }
        Command c = commands.get(args.get(0));
        if (c == null) {
            err.println("l4lb: unknown command '" + args.get(0) + "'");
            printHelp(commands, err);
            return 2;
        }
        List<String> rest = args.subList(1, args.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(c.usage());
            return 0;
        }
        return c.run(rest, out, err);
    }

    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        for (Command c : List.of(new CheckCommand(), new RunCommand(), new DemoCommand(), new CtlCommand(),
                new RealServerCommand(), new DecapCommand(), new VersionCommand())) {
            m.put(c.name(), c);
        }
        return m;
    }

    private static void printHelp(Map<String, Command> commands, PrintStream out) {
        out.println("usage: l4lb COMMAND [ARGS]   (l4lb COMMAND --help for details)");
        out.println();
        for (Command c : commands.values()) {
            out.printf("  %-10s %s%n", c.name(), c.summary());
        }
    }
}
