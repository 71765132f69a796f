package io.l4lb.server.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code l4lb check}. PLACEHOLDER until its issue lands. */
public final class CheckCommand implements Command {
    @Override
    public String name() {
        return "check";
    }

    @Override
    public String summary() {
        return "validate a config file, like haproxy -c";
    }

    @Override
    public String usage() {
        return "usage: l4lb check";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        err.println("l4lb check: not implemented yet");
        return 3;
    }
}
