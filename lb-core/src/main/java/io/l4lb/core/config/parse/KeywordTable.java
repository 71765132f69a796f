package io.l4lb.core.config.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A section's keyword table: keyword (or keyword + first argument, for {@code option},
 * {@code timeout}, {@code stats}, ...) -> handler, with the sections the keyword is allowed in.
 * Each feature registers its own keywords (see the {@code *Keywords} classes), so the table is
 * the single list of what a section understands; the dispatcher reports unknown keywords with a
 * suggestion and keywords used in the wrong section.
 *
 * @param <B> the builder the section fills in
 */
public final class KeywordTable<B> {
    /** Section capability bits (HAProxy's PR_CAP_DEF / FE / BE). A listen section has FE|BE. */
    public static final int DEF = 1;
    public static final int FE = 2;
    public static final int BE = 4;
    public static final int ALL = DEF | FE | BE;
    public static final int DEF_FE = DEF | FE;
    public static final int DEF_BE = DEF | BE;
    public static final int FE_BE = FE | BE;

    @FunctionalInterface
    public interface Handler<B> {
        void handle(ParseContext c, B builder, Line line);
    }

    /** {@code negatable}: accepts a leading {@code no} ({@code no option redispatch}). */
    public record Entry<B>(String name, int caps, boolean negatable, Handler<B> handler) {}

    private final Map<String, Entry<B>> top = new LinkedHashMap<>();
    private final Map<String, Map<String, Entry<B>>> sub = new LinkedHashMap<>();

    public KeywordTable<B> add(String keyword, int caps, Handler<B> h) {
        top.put(keyword, new Entry<>(keyword, caps, false, h));
        return this;
    }

    public KeywordTable<B> addSub(String keyword, String first, int caps, boolean negatable, Handler<B> h) {
        sub.computeIfAbsent(keyword, k -> new LinkedHashMap<>()).put(first, new Entry<>(keyword + " " + first, caps, negatable, h));
        return this;
    }

    public boolean hasSub(String keyword) {
        return sub.containsKey(keyword);
    }

    public Set<String> subKeys(String keyword) {
        return new TreeSet<>(sub.getOrDefault(keyword, Map.of()).keySet());
    }

    public Set<String> keywords() {
        Set<String> all = new TreeSet<>(top.keySet());
        all.addAll(sub.keySet());
        return all;
    }

    /**
     * Runs the handler for one line. {@code sectionCaps} is the section's capability (listen:
     * FE|BE); {@code sectionName} is used in "not allowed" errors.
     */
    public void dispatch(ParseContext c, B builder, Line line, int sectionCaps, String sectionName) {
        boolean negated = false;
        Line l = line;
        if (l.arg(0).equals("no") && l.size() > 1) {
            negated = true;
            l = new Line(line.file(), line.number(), line.words().subList(1, line.size()));
        }
        String kw = l.arg(0);
        Entry<B> e;
        if (sub.containsKey(kw)) {
            Map<String, Entry<B>> table = sub.get(kw);
            if (!l.has(1)) {
                c.error(l.pos(1), kw, "missing argument " + Suggest.expected(table.keySet()));
                return;
            }
            e = table.get(l.arg(1));
            int paren = l.arg(1).indexOf('(');
            if (e == null && paren > 0) {
                e = table.get(l.arg(1).substring(0, paren)); // set-var(name): the name is an argument
            }
            if (e == null) {
                c.error(l.pos(1), kw, "unknown " + kw + " '" + l.arg(1) + "'"
                        + Suggest.didYouMean(l.arg(1), table.keySet()) + " " + Suggest.expected(table.keySet()));
                return;
            }
        } else {
            e = top.get(kw);
            if (e == null) {
                c.error(l.pos(0), kw, "unknown keyword in a " + sectionName + " section"
                        + Suggest.didYouMean(kw, keywords()) + " " + Suggest.expected(keywords()));
                return;
            }
        }
        if ((e.caps() & sectionCaps) == 0) {
            // HAProxy's warnifnotcap(): a keyword the section cannot use is ignored with a warning.
            c.warn(l.pos(0), e.name(), "ignored: not used in a " + sectionName + " section (allowed in: "
                    + allowedIn(e.caps()) + ")");
            return;
        }
        if (negated && !e.negatable()) {
            c.error(line.pos(0), e.name(), "cannot be negated with 'no'");
            return;
        }
        c.negated = negated;
        try {
            e.handler().handle(c, builder, l);
        } catch (BadValue bad) {
            c.error(l.pos(bad.word()), e.name(), bad.getMessage());
        } finally {
            c.negated = false;
        }
    }

    static String allowedIn(int caps) {
        List<String> s = new ArrayList<>();
        if ((caps & DEF) != 0) {
            s.add("defaults");
        }
        if ((caps & FE) != 0) {
            s.add("frontend");
        }
        if ((caps & FE_BE) != 0) {
            s.add("listen");
        }
        if ((caps & BE) != 0) {
            s.add("backend");
        }
        return String.join(", ", s);
    }
}
