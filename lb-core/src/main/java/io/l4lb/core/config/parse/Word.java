package io.l4lb.core.config.parse;

/** One word of a config line after unquoting/unescaping, with the 1-based column where it started. */
public record Word(String text, int col, boolean quoted) {
    @Override
    public String toString() {
        return text;
    }
}
