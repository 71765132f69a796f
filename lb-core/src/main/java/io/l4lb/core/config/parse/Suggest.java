package io.l4lb.core.config.parse;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean" for near misses: Levenshtein distance over the known words. */
public final class Suggest {
    private Suggest() {
    }

    /** The closest candidate within distance max(2, len/3), or null. */
    public static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        int limit = Math.max(2, word.length() / 3);
        for (String c : candidates) {
            int d = distance(word.toLowerCase(), c.toLowerCase());
            if (d < bestD || (d == bestD && best != null && c.compareTo(best) < 0)) {
                bestD = d;
                best = c;
            }
        }
        return bestD <= limit ? best : null;
    }

    /** " did you mean 'x'?" or "". */
    public static String didYouMean(String word, Collection<String> candidates) {
        String c = closest(word, candidates);
        return c == null ? "" : ", did you mean '" + c + "'?";
    }

    /** "(expected: a, b, c)" over sorted candidates, shortened after 12. */
    public static String expected(Collection<String> candidates) {
        if (candidates.isEmpty()) {
            return "(expected: a name defined in the config; none is)";
        }
        List<String> sorted = candidates.stream().sorted(Comparator.naturalOrder()).toList();
        String list = sorted.size() > 12 ? String.join(", ", sorted.subList(0, 12)) + ", ..." : String.join(", ", sorted);
        return "(expected: " + list + ")";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
