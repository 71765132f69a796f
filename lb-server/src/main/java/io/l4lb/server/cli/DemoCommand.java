package io.l4lb.server.cli;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.FrontendConfig;
import io.l4lb.core.config.GlobalConfig;
import io.l4lb.core.config.L4Config;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.server.runtime.DemoBackends;
import io.l4lb.server.runtime.Lifecycle;
import io.l4lb.server.runtime.ProxyRuntime;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * {@code l4lb demo}: two built-in HTTP origins on 127.0.0.1 and a round-robin proxy listener in
 * front of them, so {@code curl} alternates between backend A and B.
 */
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
        return """
                usage: l4lb demo [--port N]

                Starts two HTTP backends (A and B) on 127.0.0.1 and an l4lb proxy listener on
                127.0.0.1:N (default 8080) that balances them round-robin. Stop with Ctrl-C.""";
    }

    /** A started demo: the backends and the proxy in front of them. */
    public record Demo(DemoBackends backends, ProxyRuntime proxy, InetSocketAddress address) implements AutoCloseable {
        @Override
        public void close() {
            proxy.close();
            backends.close();
        }
    }

    public static Demo start(int port) throws Exception {
        DemoBackends origins = new DemoBackends(List.of("A", "B"));
        try {
            List<InetSocketAddress> a = origins.addresses();
            BackendConfig be = BackendConfig.of("demo", "rr", List.of(
                    ServerConfig.of("A", "127.0.0.1", a.get(0).getPort()),
                    ServerConfig.of("B", "127.0.0.1", a.get(1).getPort())));
            FrontendConfig fe = FrontendConfig.of("demo", BindConfig.of("127.0.0.1", port), "demo");
            GlobalConfig g = new GlobalConfig(0, 1, GlobalConfig.Transport.EPOLL, java.time.Duration.ofSeconds(5), 0,
                    io.l4lb.core.config.SourcePos.NONE);
            L4Config config = new L4Config("demo", g, Map.of("demo", fe), Map.of("demo", be), List.of(), null, List.of());
            ProxyRuntime proxy = ProxyRuntime.of(config);
            proxy.start();
            return new Demo(origins, proxy, proxy.boundAddresses("demo").getFirst());
        } catch (Exception e) {
            origins.close();
            throw e;
        }
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        int port = 8080;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--port") && i + 1 < args.size()) {
                try {
                    port = Integer.parseInt(args.get(++i));
                } catch (NumberFormatException e) {
                    err.println("l4lb demo: --port needs a number, got '" + args.get(i) + "'");
                    return 2;
                }
            } else {
                err.println("l4lb demo: unexpected argument '" + args.get(i) + "'");
                err.println(usage());
                return 2;
            }
        }
        Demo demo;
        try {
            demo = start(port);
        } catch (IllegalStateException e) {
            err.println("l4lb demo: " + e.getMessage() + " (try --port N)");
            return 1;
        }
        List<InetSocketAddress> o = demo.backends().addresses();
        String url = "http://127.0.0.1:" + demo.address().getPort() + "/";
        out.println("l4lb demo: backend A on 127.0.0.1:" + o.get(0).getPort() + ", backend B on 127.0.0.1:"
                + o.get(1).getPort());
        out.println("l4lb demo: proxy (roundrobin, transport "
                + demo.proxy().engine().transport().kind().name().toLowerCase(java.util.Locale.ROOT)
                + ") listening on 127.0.0.1:" + demo.address().getPort());
        out.println();
        out.println("Try it (answers alternate between backend A and backend B):");
        out.println("  curl " + url);
        out.println("  curl " + url);
        out.println();
        out.println("Ctrl-C stops the demo.");
        out.flush();
        Lifecycle.stopOnSignal(demo.proxy(), demo.backends());
        return 0;
    }
}
