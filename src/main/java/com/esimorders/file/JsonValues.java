package com.esimorders.file;

import java.io.IOException;

/**
 * The orders of a JSON file as texts, one at a time: the elements of a top-level array, or the single top-level value.
 * Only what delimits them is read here (nesting, strings and their escapes); each text is parsed on its own, so a
 * malformed order is refused and the next one still read. An order longer than the limit is read to its end without
 * being kept. Broken structure between the orders (a missing comma, an array not closed) ends the file there.
 */
final class JsonValues {

    /** An order's text and the line it starts on, or (text null) why it is refused. */
    record Value(int line, String text, String problem) {
    }

    private static final int NONE = -3;

    private final DecodedText text;
    private final TextLimit limit;
    private final StringBuilder buffer = new StringBuilder();
    private int current = NONE;
    private boolean started;
    private boolean array;
    private boolean done;

    JsonValues(DecodedText text, TextLimit limit) {
        this.text = text;
        this.limit = limit;
    }

    /** The next order, or null at the end. */
    Value next() throws IOException {
        if (done) {
            return null;
        }
        skipSpace();
        if (!started) {
            started = true;
            if (current == '[') {
                array = true;
                current = text.read();
                skipSpace();
                return current == ']' ? end() : value();
            }
            return current == DecodedText.END ? end() : value();
        }
        if (!array) {
            return end();
        }
        if (current == ',') {
            current = text.read();
            skipSpace();
            return value();
        }
        if (current == ']') {
            return end();
        }
        done = true;
        return new Value(text.line(), null, current == DecodedText.END ? "malformed JSON: the array is not closed"
                : "malformed JSON: expected , or ] after an order");
    }

    /** After the array (its ] is current) or the single order, nothing but space may follow. */
    private Value end() throws IOException {
        done = true;
        if (array) {
            current = text.read();
        }
        skipSpace();
        return current == DecodedText.END ? null
                : new Value(text.line(), null, "unexpected content after the " + (array ? "array of orders" : "order"));
    }

    /** One value, from its first character (current) to its last; the character after it becomes current. */
    private Value value() throws IOException {
        int line = text.line();
        if (current == DecodedText.END || current == ']' || current == '}' || current == ',') {
            done = true;
            return new Value(line, null, current == DecodedText.END ? "malformed JSON: the array is not closed"
                    : "malformed JSON: expected an order");
        }
        boolean scalar = current != '{' && current != '[' && current != '"';
        buffer.setLength(0);
        boolean tooLong = false;
        int malformedLine = 0;
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        while (current != DecodedText.END && !(scalar && endsScalar(current))) {
            int c = current;
            if (c == DecodedText.MALFORMED && malformedLine == 0) {
                malformedLine = text.line();
            }
            if (!tooLong && limit.allows(buffer.length() + 1)) {
                buffer.append(c == DecodedText.MALFORMED ? '\uFFFD' : (char) c);
            } else {
                tooLong = true;
            }
            if (inString) {
                inString = escaped || c != '"';
                escaped = !escaped && c == '\\';
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
            current = text.read();
            if (!scalar && !inString && depth <= 0) {
                break;
            }
        }
        if (current == DecodedText.END && (inString || depth > 0)) {
            done = true; // cut off by the end of the file: the parser says what is missing
        }
        if (tooLong) {
            return new Value(line, null, limit.tooLong("the order on line " + line));
        }
        if (malformedLine > 0) {
            return new Value(line, null, text.notValid(malformedLine));
        }
        return new Value(line, buffer.toString(), null);
    }

    private static boolean endsScalar(int c) {
        return c == ',' || c == ']' || c == '}' || isSpace(c);
    }

    private void skipSpace() throws IOException {
        if (current == NONE) {
            current = text.read();
        }
        while (isSpace(current)) {
            current = text.read();
        }
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
