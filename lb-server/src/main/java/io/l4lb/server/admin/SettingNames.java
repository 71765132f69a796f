package io.l4lb.server.admin;

import io.l4lb.core.config.Timeouts;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which settings of a config section differ between two versions, named as the operator wrote
 * them ({@code balance}, {@code timeout server}, {@code option redispatch}, {@code hard-stop-after}),
 * so a reload answer says exactly what it applied and what needs a restart. Works over the config
 * records' components, ignoring source positions (see {@link SameIgnoringPos}); {@link Timeouts}
 * is opened one level so each {@code timeout X} is named on its own.
 */
final class SettingNames {
    /** Record component -> config keyword, where the keyword is not the component in kebab case. */
    private static final Map<String, String> KEYWORDS = Map.ofEntries(
            Map.entry("forward", "forward"),
            Map.entry("redispatch", "option redispatch"),
            Map.entry("allBackups", "option allbackups"),
            Map.entry("srvTcpKa", "option srvtcpka"),
            Map.entry("cliTcpKa", "option clitcpka"),
            Map.entry("usesrcClientIp", "source usesrc clientip"),
            Map.entry("check", "health check method (option httpchk/tcp-check/...)"),
            Map.entry("binds", "bind"),
            Map.entry("defaultBackend", "default_backend"),
            Map.entry("useBackend", "use_backend"),
            Map.entry("acls", "acl"),
            Map.entry("tcpRequestRules", "tcp-request"),
            Map.entry("inspectDelay", "tcp-request inspect-delay"),
            Map.entry("transport", "l4lb-transport"),
            Map.entry("spreadChecksPercent", "spread-checks"),
            Map.entry("interfaceName", "interface"),
            Map.entry("virtualRouterId", "virtual-router-id"),
            Map.entry("advertInterval", "advert-int"),
            Map.entry("virtualAddresses", "virtual-ipaddress"),
            Map.entry("unicastPeers", "unicast-peer"),
            Map.entry("authKeyFile", "auth-key-file"),
            Map.entry("trackBackends", "track-backend"),
            Map.entry("notifyScript", "notify"),
            Map.entry("stats", "stats"));

    private SettingNames() {
    }

    /** The settings of records {@code a} and {@code b} (same type) that differ, minus {@code skip}. */
    static List<String> changed(Object a, Object b, Set<String> skip) {
        List<String> out = new ArrayList<>();
        if (a == null || b == null) {
            if (a != b) {
                out.add("whole section");
            }
            return out;
        }
        for (RecordComponent c : a.getClass().getRecordComponents()) {
            if (c.getName().equals("pos") || skip.contains(c.getName())) {
                continue;
            }
            Object x = read(c, a);
            Object y = read(c, b);
            if (SameIgnoringPos.equal(x, y)) {
                continue;
            }
            if (x instanceof Timeouts tx && y instanceof Timeouts ty) {
                for (RecordComponent t : Timeouts.class.getRecordComponents()) {
                    if (!SameIgnoringPos.equal(read(t, tx), read(t, ty))) {
                        out.add("timeout " + kebab(t.getName()));
                    }
                }
            } else {
                out.add(KEYWORDS.getOrDefault(c.getName(), kebab(c.getName())));
            }
        }
        return out;
    }

    /** {@code hardStopAfter} -> {@code hard-stop-after}. */
    static String kebab(String camel) {
        StringBuilder b = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('-').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static Object read(RecordComponent c, Object r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass(), e);
        }
    }
}
