package io.l4lb.core.config.parse;

import java.util.regex.Pattern;

/**
 * Address forms of {@code bind}, {@code server}, {@code nameserver}, {@code unicast-peer}.
 * HAProxy splits at the LAST colon, so {@code :::443} is host {@code ::} port 443;
 * {@code [v6]:port} and the {@code ipv4@ ipv6@ tcp@} prefixes are accepted as well. A bind on
 * port 0 takes an ephemeral port (l4lb extension, for tests).
 */
public final class Addresses {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern PLACEHOLDER = Pattern.compile("[xX]+(\\.[xX]+){3}|.*[<>{}$%].*|__.*__|.*\\.\\.\\..*");

    private Addresses() {
    }

    /** host null = any address; port 0 = none written. */
    public record HostPort(String host, int portLow, int portHigh) {}

    /** {@code [ADDR]:PORT[-PORT]} of a bind line (one element of its comma list). */
    public static HostPort bind(String s, int word) {
        String a = stripFamily(s, word);
        int colon = lastColon(a);
        if (colon < 0) {
            throw new BadValue(word, "'" + s + "' has no port (expected: [ADDR]:PORT[-PORT], e.g. :443 or 10.0.0.1:443)");
        }
        String host = unbracket(a.substring(0, colon));
        String port = a.substring(colon + 1);
        int dash = port.indexOf('-');
        // Port 0 (a single one) asks the kernel for an ephemeral port: what tests on loopback need.
        int low = port.equals("0") ? 0 : port(dash < 0 ? port : port.substring(0, dash), s, word);
        int high = dash < 0 ? low : port(port.substring(dash + 1), s, word);
        if (high < low) {
            throw new BadValue(word, "port range '" + port + "' ends before it starts (expected: LOW-HIGH with LOW <= HIGH)");
        }
        if (host.isEmpty() || host.equals("*")) {
            return new HostPort(null, low, high);
        }
        if (!isIpLiteral(host) && !host.equals("localhost")) {
            String why = PLACEHOLDER.matcher(host).matches() ? " looks like a placeholder" : " is not an IP address";
            throw new BadValue(word, "'" + host + "'" + why + " (expected: an IPv4/IPv6 address, '*' or nothing before ':PORT')");
        }
        return new HostPort(host, low, high);
    }

    /** {@code ADDR[:PORT]} of a server; a DNS name is kept for resolution at run time. */
    public static HostPort server(String s, int word) {
        String a = stripFamily(s, word);
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0) {
                throw new BadValue(word, "'" + s + "' misses ']' (expected: [IPV6]:PORT)");
            }
            String host = a.substring(1, close);
            checkHost(host, s, word);
            String rest = a.substring(close + 1);
            if (rest.isEmpty()) {
                return new HostPort(host, 0, 0);
            }
            if (!rest.startsWith(":")) {
                throw new BadValue(word, "'" + s + "' has junk after ']' (expected: [IPV6]:PORT)");
            }
            int p = port(rest.substring(1), s, word);
            return new HostPort(host, p, p);
        }
        int colon = lastColon(a);
        String host = colon < 0 ? a : a.substring(0, colon);
        int p = 0;
        if (colon >= 0) {
            String port = a.substring(colon + 1);
            if (port.startsWith("+") || port.startsWith("-")) {
                throw new BadValue(word, "relative port '" + port + "' is not supported (expected: ADDR or ADDR:PORT)");
            }
            if (!port.isEmpty()) {
                p = port(port, s, word);
            }
        }
        checkHost(host, s, word);
        return new HostPort(host, p, p);
    }

    private static void checkHost(String host, String s, int word) {
        if (host.isEmpty() || host.equals("*")) {
            throw new BadValue(word, "'" + s + "' has no host (expected: ADDR[:PORT] with an IP address or a DNS name)");
        }
        if (PLACEHOLDER.matcher(host).matches()) {
            throw new BadValue(word, "'" + host + "' looks like a placeholder (expected: an IP address or a DNS name)");
        }
        if (!isIpLiteral(host) && !isHostName(host)) {
            throw new BadValue(word, "'" + host + "' is neither an IP address nor a DNS name (expected: ADDR[:PORT])");
        }
    }

    private static String stripFamily(String s, int word) {
        if (s.startsWith("/") || s.startsWith("unix@") || s.startsWith("abns@") || s.startsWith("fd@")
                || s.startsWith("sockpair@") || s.startsWith("uxst@") || s.startsWith("uxdg@")) {
            throw new BadValue(word, "'" + s + "': UNIX and abstract sockets are not supported: l4lb balances "
                    + "TCP over IP (expected: an IPv4/IPv6 address and port)");
        }
        int at = s.indexOf('@');
        if (at < 0) {
            return s;
        }
        String family = s.substring(0, at);
        return switch (family) {
            case "ipv4", "ipv6", "tcp", "tcp4", "tcp6" -> s.substring(at + 1);
            default -> throw new BadValue(word, "unsupported address family '" + family + "@' (expected: ipv4@, ipv6@, tcp@ or none)");
        };
    }

    private static int lastColon(String a) {
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            return close < 0 ? -1 : a.indexOf(':', close);
        }
        return a.lastIndexOf(':');
    }

    private static String unbracket(String h) {
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static int port(String p, String s, int word) {
        if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(Character::isDigit)) {
            throw new BadValue(word, "invalid port '" + p + "' in '" + s + "' (expected: 1..65535)");
        }
        int v = Integer.parseInt(p);
        if (v < 1 || v > 65535) {
            throw new BadValue(word, "port " + v + " out of range in '" + s + "' (expected: 1..65535)");
        }
        return v;
    }

    public static boolean isIpLiteral(String h) {
        return isIpv4(h) || isIpv6(h);
    }

    public static boolean isIpv4(String h) {
        String[] p = h.split("\\.", -1);
        if (p.length != 4) {
            return false;
        }
        for (String x : p) {
            if (x.isEmpty() || x.length() > 3 || !x.chars().allMatch(Character::isDigit) || Integer.parseInt(x) > 255) {
                return false;
            }
        }
        return true;
    }

    public static boolean isIpv6(String h) {
        if (!h.contains(":")) {
            return false;
        }
        int pct = h.indexOf('%');
        if (pct >= 0) {
            h = h.substring(0, pct);
        }
        int dbl = h.indexOf("::");
        if (dbl >= 0 && h.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        String[] groups = h.replace("::", ":z:").split(":", -1);
        int count = 0;
        boolean compressed = false;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.equals("z")) {
                compressed = true;
            } else if (g.isEmpty()) {
                if (!(i == 0 && groups.length > 1 && groups[1].equals("z")) && !(i == groups.length - 1 && i > 0 && groups[i - 1].equals("z"))) {
                    return false;
                }
            } else if (i == groups.length - 1 && g.contains(".")) {
                if (!isIpv4(g)) {
                    return false;
                }
                count += 2;
            } else if (g.length() <= 4 && g.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                count++;
            } else {
                return false;
            }
        }
        return compressed ? count < 8 : count == 8;
    }

    public static boolean isHostName(String h) {
        if (h.length() > 253) {
            return false;
        }
        String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        String[] labels = name.split("\\.", -1);
        boolean allNumeric = true;
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                return false;
            }
            allNumeric &= l.chars().allMatch(Character::isDigit);
        }
        return !allNumeric;
    }

    /** {@code ADDR[/PREFIX]} of an ACL or virtual-ipaddress: IP literal with an optional prefix length. */
    public static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        String ip = slash < 0 ? s : s.substring(0, slash);
        if (!isIpLiteral(ip)) {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String p = s.substring(slash + 1);
        if (isIpv4(ip) && isIpv4(p)) {
            return true; // dotted netmask, as HAProxy accepts
        }
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Integer.parseInt(p) <= (isIpv4(ip) ? 32 : 128);
    }
}
