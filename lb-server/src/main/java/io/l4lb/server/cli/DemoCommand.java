package io.l4lb.server.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code l4lb demo}. PLACEHOLDER until its issue lands. */
public final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "run a demo on 127.0.0.1 with two built-in backends";
    }

    @Override
    public String usage() {
        return "usage: l4lb demo";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        err.println("l4lb demo: not implemented yet");
        return 3;
    }
}
