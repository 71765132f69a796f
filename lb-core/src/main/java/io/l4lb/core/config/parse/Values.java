package io.l4lb.core.config.parse;

import java.time.Duration;
import java.util.HexFormat;

/** Value parsers shared by the keyword tables. Each throws {@link BadValue} naming the word. */
public final class Values {
    /** HAProxy timers are signed 32-bit milliseconds: 2147483647 ms, about 24.8 days. */
    public static final long MAX_TIMER_MS = Integer.MAX_VALUE;

    private Values() {
    }

    /** The word at {@code i}, or a "missing" error naming what was expected. */
    public static String need(Line l, int i, String what) {
        if (!l.has(i) || l.arg(i).isEmpty() && !l.words().get(i).quoted()) {
            throw new BadValue(i, "missing " + what + " (expected: " + what + ")");
        }
        return l.arg(i);
    }

    /** Rejects words after index {@code last}. */
    public static void noMore(Line l, int last) {
        if (l.size() > last + 1) {
            throw new BadValue(last + 1, "unexpected '" + l.arg(last + 1) + "' (expected: end of line)");
        }
    }

    public static int integer(Line l, int i, String what, long min, long max) {
        String s = need(l, i, what);
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadValue(i, "'" + s + "' is not an integer (expected: " + what + ", " + min + ".." + max + ")");
        }
        if (v < min || v > max) {
            throw new BadValue(i, what + " " + v + " out of range (expected: " + min + ".." + max + ")");
        }
        return (int) v;
    }

    /** A HAProxy time value: a number with an optional unit us|ms|s|m|h|d, milliseconds by default. */
    public static Duration duration(Line l, int i, String what) {
        return duration(l, i, what, "ms");
    }

    public static Duration duration(Line l, int i, String what, String defaultUnit) {
        String s = need(l, i, what);
        int k = 0;
        while (k < s.length() && Character.isDigit(s.charAt(k))) {
            k++;
        }
        String unit = s.substring(k);
        if (k == 0 || !isUnit(unit)) {
            throw new BadValue(i, "'" + s + "' is not a time (expected: " + what
                    + " as a number with an optional unit us, ms, s, m, h or d, e.g. 5s)");
        }
        if (unit.isEmpty()) {
            if (defaultUnit == null) {
                throw new BadValue(i, "'" + s + "' has no unit (expected: " + what + " with a unit, e.g. " + s + "s)");
            }
            unit = defaultUnit;
        }
        long n;
        try {
            n = Long.parseLong(s.substring(0, k));
        } catch (NumberFormatException e) {
            n = Long.MAX_VALUE;
        }
        long micros = switch (unit) {
            case "us" -> n;
            case "ms" -> mul(n, 1_000);
            case "s" -> mul(n, 1_000_000);
            case "m" -> mul(n, 60_000_000);
            case "h" -> mul(n, 3_600_000_000L);
            default -> mul(n, 86_400_000_000L);
        };
        if (micros / 1000 > MAX_TIMER_MS) {
            throw new BadValue(i, "'" + s + "' is too large (expected: " + what
                    + " at most 2147483647ms, about 24.8 days)");
        }
        return Duration.ofNanos(micros * 1000);
    }

    private static long mul(long a, long b) {
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    private static boolean isUnit(String u) {
        return switch (u) {
            case "", "us", "ms", "s", "m", "h", "d" -> true;
            default -> false;
        };
    }

    /** One of a fixed set of words; otherwise an error with a suggestion. */
    public static String oneOf(Line l, int i, String what, java.util.Collection<String> allowed) {
        String s = need(l, i, what);
        if (!allowed.contains(s)) {
            throw new BadValue(i, "unknown " + what + " '" + s + "'" + Suggest.didYouMean(s, allowed)
                    + " " + Suggest.expected(allowed));
        }
        return s;
    }

    /** Hex bytes ({@code tcp-check send-binary}, {@code expect binary}): even length, [0-9a-fA-F]. */
    public static byte[] hex(Line l, int i, String what) {
        String s = need(l, i, what);
        if (s.length() % 2 != 0 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new BadValue(i, "'" + s + "' is not hex bytes (expected: " + what
                    + " as an even number of hex digits)");
        }
        return HexFormat.of().parseHex(s);
    }
}
