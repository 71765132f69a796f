package io.l4lb.server.cli;

import java.io.PrintStream;
import java.util.List;

/** One {@code l4lb} sub-command. Returns the process exit code. */
public interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** Full usage text printed for {@code --help}. */
    String usage();

    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
