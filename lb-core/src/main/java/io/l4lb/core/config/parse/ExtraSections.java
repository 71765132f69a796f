package io.l4lb.core.config.parse;

import io.l4lb.core.config.AdminConfig;
import io.l4lb.core.config.BindConfig;
import io.l4lb.core.config.ResolversConfig;
import io.l4lb.core.config.SourcePos;
import io.l4lb.core.config.VrrpConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyword tables of the non-proxy sections: {@code resolvers NAME} (HAProxy), and l4lb's own
 * {@code vrrp NAME} (RFC 5798 VRRPv3, keepalived's vrrp_instance in HAProxy syntax) and
 * {@code admin}.
 */
final class ExtraSections {
    private static final int S = KeywordTable.ALL;

    private ExtraSections() {
    }

    static final class Resolvers {
        final String name;
        final SourcePos pos;
        final List<ResolversConfig.Nameserver> nameservers = new ArrayList<>();
        boolean parseResolvConf;
        int resolveRetries = 3;
        Duration timeoutRetry = Duration.ofSeconds(1);
        Duration holdValid;

        Resolvers(String name, SourcePos pos) {
            this.name = name;
            this.pos = pos;
        }

        ResolversConfig build() {
            return new ResolversConfig(name, nameservers, parseResolvConf, resolveRetries, timeoutRetry, holdValid, pos);
        }
    }

    static final KeywordTable<Resolvers> RESOLVERS = new KeywordTable<Resolvers>()
            .add("nameserver", S, (c, r, l) -> {
                String name = Values.need(l, 1, "nameserver name");
                String addr = Values.need(l, 2, "nameserver IP:PORT");
                Addresses.HostPort hp = Addresses.server(addr, 2);
                if (!Addresses.isIpLiteral(hp.host()) || hp.portLow() == 0) {
                    throw new BadValue(2, "'" + addr + "' is not IP:PORT (expected: nameserver NAME IP:PORT, e.g. 10.0.0.2:53)");
                }
                Values.noMore(l, 2);
                r.nameservers.add(new ResolversConfig.Nameserver(name, hp.host(), hp.portLow(), l.pos(1)));
            })
            .add("parse-resolv-conf", S, (c, r, l) -> r.parseResolvConf = true)
            .add("resolve_retries", S, (c, r, l) -> r.resolveRetries = Values.integer(l, 1, "resolve_retries", 1, 1000))
            .add("accepted_payload_size", S, (c, r, l) -> Values.integer(l, 1, "accepted_payload_size", 512, 65535))
            .add("resolution_pool_size", S, (c, r, l) -> c.ignored(l, "resolution_pool_size", "ignored: obsolete"))
            .addSub("timeout", "retry", S, false, (c, r, l) -> r.timeoutRetry = Values.duration(l, 2, "timeout retry"))
            .addSub("timeout", "resolve", S, false, (c, r, l) -> Values.duration(l, 2, "timeout resolve"))
            .add("hold", S, (c, r, l) -> {
                String status = Values.oneOf(l, 1, "hold status",
                        List.of("nx", "other", "refused", "timeout", "valid", "obsolete"));
                Duration d = Values.duration(l, 2, "hold period");
                if (status.equals("valid")) {
                    r.holdValid = d;
                }
            });

    static final class Vrrp {
        final String name;
        final SourcePos pos;
        String iface;
        int vrid;
        int priority = 100;
        Duration advert = Duration.ofSeconds(1);
        final List<String> vips = new ArrayList<>();
        final List<String> peers = new ArrayList<>();
        boolean preempt = true;
        Duration preemptDelay = Duration.ZERO;
        String authKeyFile;
        final List<VrrpConfig.TrackBackend> tracks = new ArrayList<>();
        final List<SourcePos> trackPos = new ArrayList<>();
        String notify;

        Vrrp(String name, SourcePos pos) {
            this.name = name;
            this.pos = pos;
        }

        VrrpConfig build() {
            return new VrrpConfig(name, iface, vrid, priority, advert, vips, peers, preempt, preemptDelay, authKeyFile,
                    tracks, notify, pos);
        }
    }

    static final KeywordTable<Vrrp> VRRP = new KeywordTable<Vrrp>()
            .add("interface", S, (c, v, l) -> {
                v.iface = Values.need(l, 1, "interface name");
                Values.noMore(l, 1);
            })
            .add("virtual-router-id", S, (c, v, l) -> v.vrid = Values.integer(l, 1, "virtual-router-id", 1, 255))
            .add("priority", S, (c, v, l) -> v.priority = Values.integer(l, 1, "priority", 1, 255))
            .add("advert-int", S, (c, v, l) -> {
                // RFC 5798 5.2.7: Max Adver Int is 12 bits of centiseconds (10 ms .. 40.95 s).
                Duration d = Values.duration(l, 1, "advert-int", "s");
                long ms = d.toMillis();
                if (d.toNanos() % 10_000_000L != 0 || ms < 10 || ms > 40_950) {
                    throw new BadValue(1, "advert-int " + l.arg(1) + " is not a multiple of 10ms within 10ms..40950ms "
                            + "(expected: e.g. 1s or 100ms; RFC 5798 counts centiseconds)");
                }
                v.advert = d;
            })
            .add("virtual-ipaddress", S, (c, v, l) -> {
                Values.need(l, 1, "virtual IP address");
                for (int i = 1; i < l.size(); i++) {
                    if (!Addresses.isCidr(l.arg(i))) {
                        throw new BadValue(i, "'" + l.arg(i) + "' is not an address (expected: IP or IP/PREFIX)");
                    }
                    v.vips.add(l.arg(i));
                }
            })
            .add("unicast-peer", S, (c, v, l) -> {
                Values.need(l, 1, "peer address");
                for (int i = 1; i < l.size(); i++) {
                    if (!Addresses.isIpLiteral(l.arg(i))) {
                        throw new BadValue(i, "'" + l.arg(i) + "' is not an IP address (expected: unicast-peer IP)");
                    }
                    v.peers.add(l.arg(i));
                }
            })
            .add("nopreempt", S, (c, v, l) -> {
                Values.noMore(l, 0);
                v.preempt = false;
            })
            .add("preempt-delay", S, (c, v, l) -> v.preemptDelay = Values.duration(l, 1, "preempt-delay", "s"))
            .add("auth-key-file", S, (c, v, l) -> v.authKeyFile = Values.need(l, 1, "key file path"))
            .add("notify", S, (c, v, l) -> v.notify = Values.need(l, 1, "notify script path"))
            .add("track-backend", S, (c, v, l) -> {
                String backend = Values.need(l, 1, "backend name");
                int weight = 0;
                if (l.has(2)) {
                    if (!l.arg(2).equals("weight")) {
                        throw new BadValue(2, "unexpected '" + l.arg(2) + "' (expected: track-backend NAME weight -N)");
                    }
                    weight = Values.integer(l, 3, "weight", -254, -1);
                    Values.noMore(l, 3);
                }
                v.tracks.add(new VrrpConfig.TrackBackend(backend, weight));
                v.trackPos.add(l.pos(1));
            });

    static final class Admin {
        final SourcePos pos;
        final List<BindConfig> binds = new ArrayList<>();
        String tokenFile;

        Admin(SourcePos pos) {
            this.pos = pos;
        }

        AdminConfig build() {
            return new AdminConfig(binds, tokenFile, pos);
        }
    }

    static final KeywordTable<Admin> ADMIN = new KeywordTable<Admin>()
            .add("bind", S, (c, a, l) -> {
                Addresses.HostPort hp = Addresses.bind(Values.need(l, 1, "admin address"), 1);
                if (hp.portLow() != hp.portHigh()) {
                    throw new BadValue(1, "the admin API listens on one port (expected: ADDR:PORT)");
                }
                Values.noMore(l, 1);
                a.binds.add(new BindConfig(hp.host(), hp.portLow(), hp.portHigh(), false, false, false, null, l.pos(1)));
            })
            .add("token-file", S, (c, a, l) -> {
                a.tokenFile = Values.need(l, 1, "token file path");
                Values.noMore(l, 1);
            });
}
