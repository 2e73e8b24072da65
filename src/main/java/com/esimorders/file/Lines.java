package com.esimorders.file;

import java.io.IOException;

/**
 * The lines of a text, each kept only up to the limit: a longer line is read to its end without being kept, and the
 * next line is read as usual.
 */
final class Lines {

    /** A line and its number; a line that cannot be used has no text, or a problem, or both. */
    record Line(int number, String text, String problem) {
        boolean tooLong() {
            return text == null;
        }

        int length() {
            return text == null ? 0 : text.length();
        }
    }

    private final DecodedText text;
    private final TextLimit limit;
    private final StringBuilder buffer = new StringBuilder();
    private boolean afterCarriageReturn;

    Lines(DecodedText text, TextLimit limit) {
        this.text = text;
        this.limit = limit;
    }

    /** The next line without its line break, or null at the end. */
    Line next() throws IOException {
        int c = text.read();
        if (afterCarriageReturn && c == '\n') {
            c = text.read();
        }
        afterCarriageReturn = false;
        if (c == DecodedText.END) {
            return null;
        }
        int number = text.line();
        buffer.setLength(0);
        boolean tooLong = false;
        boolean malformed = false;
        while (c != DecodedText.END && c != '\n' && c != '\r') {
            malformed |= c == DecodedText.MALFORMED;
            if (!tooLong && limit.allows(buffer.length() + 1)) {
                buffer.append(c == DecodedText.MALFORMED ? '\uFFFD' : (char) c);
            } else {
                tooLong = true;
            }
            c = text.read();
        }
        afterCarriageReturn = c == '\r';
        if (tooLong) {
            return new Line(number, null, limit.tooLong("line " + number));
        }
        return new Line(number, buffer.toString(), malformed ? text.notValid(number) : null);
    }
}
