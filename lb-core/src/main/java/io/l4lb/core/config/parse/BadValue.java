package io.l4lb.core.config.parse;

/**
 * Thrown by a keyword handler for an invalid line: {@code word} is the index of the offending
 * word (its column goes into the error), the message says what is wrong and what was expected.
 */
public final class BadValue extends RuntimeException {
    private final int word;

    public BadValue(int word, String message) {
        super(message, null, false, false);
        this.word = word;
    }

    public int word() {
        return word;
    }
}
