package com.esimorders.file;

/**
 * The longest text a reader keeps in memory at once: a line, a CSV record, a JSON order
 * ({@code esim.intake.max-line-length}). It also remembers the longest text kept, so that a test can see that a reader
 * never held more.
 */
final class TextLimit {

    private final int max;
    private int longest;

    TextLimit(int max) {
        this.max = max;
    }

    /** True when a text of this length may be kept (it then counts as kept). */
    boolean allows(int length) {
        if (length > max) {
            return false;
        }
        longest = Math.max(longest, length);
        return true;
    }

    int longest() {
        return longest;
    }

    /** "65536 characters (esim.intake.max-line-length)" */
    String describe() {
        return max + " characters (esim.intake.max-line-length)";
    }

    /** The reason a text is refused, e.g. "line 3 is longer than 65536 characters (esim.intake.max-line-length)". */
    String tooLong(String what) {
        return what + " is longer than " + describe();
    }
}
