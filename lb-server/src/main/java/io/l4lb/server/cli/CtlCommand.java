package io.l4lb.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.l4lb.server.cli.ctl.AdminClient;
import io.l4lb.server.cli.ctl.ServerTable;
import io.l4lb.server.cli.ctl.VrrpTable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code l4lb ctl}: drives a running l4lb through its admin API. */
public final class CtlCommand implements Command {
    static final String DEFAULT_URL = "http://127.0.0.1:9090";

    @Override
    public String name() {
        return "ctl";
    }

    @Override
    public String summary() {
        return "talk to a running l4lb through its admin API";
    }

    @Override
    public String usage() {
        return """
                usage: l4lb ctl [--url URL] [--token-file FILE] ACTION

                Actions:
                  show servers                 virtual services and real servers (ipvsadm -Ln style)
                  show config                  running config source and version
                  show vrrp                    VRRP instances: state, priority, transitions, drops
                  set weight BACKEND/SERVER N  set a server's weight (0..256)
                  drain BACKEND/SERVER         no new connections, live ones continue
                  maint BACKEND/SERVER         out of service, not checked
                  ready BACKEND/SERVER         back in service
                  reload                       re-read the config file (errors are printed, old config kept)

                --url defaults to %s; --token-file holds the admin bearer token (needed for
                every action that changes something). Exit status: 0 done, 1 refused by l4lb, 2 usage,
                3 cannot reach l4lb.""".formatted(DEFAULT_URL);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String url = DEFAULT_URL;
        String token = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--url") || a.equals("--token-file")) && i + 1 >= args.size()) {
                return usage(err, a + " needs a value");
            } else if (a.equals("--url")) {
                url = args.get(++i);
            } else if (a.equals("--token-file")) {
                Path f = Path.of(args.get(++i));
                try {
                    token = Files.readString(f).strip();
                } catch (IOException e) {
                    err.println("l4lb ctl: cannot read token file " + f + ": " + e.getMessage());
                    return 2;
                }
            } else {
                rest.add(a);
            }
        }
        if (rest.isEmpty()) {
            return usage(err, "no action");
        }
        try (AdminClient c = new AdminClient(url, token)) {
            return action(c, rest, out, err);
        } catch (ConnectException e) {
            err.println("l4lb ctl: cannot connect to " + url + " (is l4lb running with an admin section?)");
            return 3;
        }
    }

    private int action(AdminClient c, List<String> a, PrintStream out, PrintStream err) throws Exception {
        String verb = a.get(0);
        switch (verb) {
            case "show" -> {
                if (a.size() != 2) {
                    return usage(err, "show servers | show config | show vrrp");
                }
                if (a.get(1).equals("vrrp")) {
                    AdminClient.Answer r = c.call("GET", "/api/vrrp", null);
                    if (!r.ok()) {
                        return refused(err, r);
                    }
                    out.print(VrrpTable.render(r.body()));
                    return 0;
                }
                if (a.get(1).equals("servers")) {
                    AdminClient.Answer fe = c.call("GET", "/api/frontends", null);
                    AdminClient.Answer be = c.call("GET", "/api/backends", null);
                    if (!fe.ok() || !be.ok()) {
                        return refused(err, fe.ok() ? be : fe);
                    }
                    out.print(ServerTable.render(fe.body(), be.body()));
                    return 0;
                }
                if (a.get(1).equals("config")) {
                    AdminClient.Answer r = c.call("GET", "/api/config", null);
                    if (!r.ok()) {
                        return refused(err, r);
                    }
                    out.println("source  " + r.body().path("source").asText());
                    out.println("version " + r.body().path("version").asLong());
                    out.println("loaded  " + r.body().path("loaded_at").asText());
                    return 0;
                }
                return usage(err, "show servers | show config | show vrrp");
            }
            case "set" -> {
                if (a.size() != 4 || !a.get(1).equals("weight")) {
                    return usage(err, "set weight BACKEND/SERVER N");
                }
                String path = serverPath(a.get(2));
                if (path == null) {
                    return usage(err, "expected BACKEND/SERVER, got '" + a.get(2) + "'");
                }
                int w;
                try {
                    w = Integer.parseInt(a.get(3));
                } catch (NumberFormatException e) {
                    return usage(err, "weight must be an integer, got '" + a.get(3) + "'");
                }
                return print(c.call("PUT", path + "/weight", c.mapper().createObjectNode().put("weight", w)), out, err);
            }
            case "drain", "maint", "ready" -> {
                String path = a.size() == 2 ? serverPath(a.get(1)) : null;
                if (path == null) {
                    return usage(err, verb + " BACKEND/SERVER");
                }
                return print(c.call("POST", path + "/" + verb, null), out, err);
            }
            case "reload" -> {
                AdminClient.Answer r = c.call("POST", "/api/reload", null);
                if (!r.ok()) {
                    for (JsonNode e : r.body().path("errors")) {
                        err.println(e.asText());
                    }
                    return refused(err, r);
                }
                out.println("reloaded: version " + r.body().path("version").asLong());
                for (JsonNode ch : r.body().path("changes")) {
                    out.println("  " + ch.asText());
                }
                if (!r.body().path("restart_needed").isEmpty()) {
                    out.println("needs a restart to take effect:");
                    for (JsonNode ch : r.body().path("restart_needed")) {
                        out.println("  " + ch.asText());
                    }
                }
                return 0;
            }
            default -> {
                return usage(err, "unknown action '" + verb + "'");
            }
        }
    }

    private static String serverPath(String backendSlashServer) {
        int i = backendSlashServer.indexOf('/');
        if (i <= 0 || i == backendSlashServer.length() - 1) {
            return null;
        }
        return "/api/backends/" + backendSlashServer.substring(0, i) + "/servers/" + backendSlashServer.substring(i + 1);
    }

    private static int print(AdminClient.Answer r, PrintStream out, PrintStream err) {
        if (!r.ok()) {
            return refused(err, r);
        }
        JsonNode s = r.body();
        out.printf("%s/%s: state %s, weight %d%n", s.path("proxy").asText(), s.path("name").asText(),
                s.path("state").asText(), s.path("weight").asInt());
        return 0;
    }

    private static int refused(PrintStream err, AdminClient.Answer r) {
        err.println("l4lb ctl: " + r.status() + ": " + r.error());
        return 1;
    }

    private int usage(PrintStream err, String why) {
        err.println("l4lb ctl: " + why);
        err.println(usage());
        return 2;
    }
}
