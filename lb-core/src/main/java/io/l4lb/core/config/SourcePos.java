package io.l4lb.core.config;

/** Where a config element was written: file, 1-based line and column. */
public record SourcePos(String file, int line, int col) {
    public static final SourcePos NONE = new SourcePos("<built-in>", 0, 0);

    @Override
    public String toString() {
        return file + ":" + line + ":" + col;
    }
}
