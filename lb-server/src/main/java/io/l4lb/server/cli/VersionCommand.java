package io.l4lb.server.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code l4lb version}. */
public final class VersionCommand implements Command {
    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the l4lb, Java and Netty versions";
    }

    @Override
    public String usage() {
        return "usage: l4lb version\n\nPrints the l4lb version, the Java runtime and the Netty version.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            err.println("l4lb version: unexpected argument '" + args.get(0) + "'");
            return 2;
        }
        out.println("l4lb " + Version.L4LB);
        out.println("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        out.println("netty " + Version.netty());
        return 0;
    }
}
