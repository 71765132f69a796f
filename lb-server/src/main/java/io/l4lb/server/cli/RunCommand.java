package io.l4lb.server.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code l4lb run}. PLACEHOLDER until its issue lands. */
public final class RunCommand implements Command {
    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run the load balancer from a config file";
    }

    @Override
    public String usage() {
        return "usage: l4lb run";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        err.println("l4lb run: not implemented yet");
        return 3;
    }
}
