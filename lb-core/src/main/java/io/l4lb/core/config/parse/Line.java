package io.l4lb.core.config.parse;

import io.l4lb.core.config.SourcePos;
import java.util.List;

/** One non-empty logical config line: its words (comments removed) and where it is. */
public record Line(String file, int number, List<Word> words) {
    public Line {
        words = List.copyOf(words);
    }

    public int size() {
        return words.size();
    }

    /** The i-th word's text, or "" past the end (HAProxy's args[i] convention). */
    public String arg(int i) {
        return i < words.size() ? words.get(i).text() : "";
    }

    public boolean has(int i) {
        return i < words.size();
    }

    /** Position of word i; past the end, the column just after the last word. */
    public SourcePos pos(int i) {
        if (i < words.size()) {
            return new SourcePos(file, number, words.get(i).col());
        }
        Word last = words.get(words.size() - 1);
        return new SourcePos(file, number, last.col() + last.text().length() + 1);
    }

    /** Words i..end joined by single spaces (HAProxy's description/show-desc). */
    public String joinFrom(int i) {
        StringBuilder b = new StringBuilder();
        for (int k = i; k < words.size(); k++) {
            if (k > i) {
                b.append(' ');
            }
            b.append(words.get(k).text());
        }
        return b.toString();
    }
}
