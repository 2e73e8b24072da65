package com.esimorders.file;

import java.io.IOException;

/**
 * A JSON file with one order object or an array of them, read one order at a time. The line of an order is the
 * line its opening brace is on. A malformed or over-long order is refused and the next one read; broken structure
 * between the orders ends the file at that point (the orders before it still count).
 */
final class JsonOrderReader extends OrderFileReader {

    private final JsonValues values;

    JsonOrderReader(String fileName, DecodedText text, Options options) {
        super(fileName, text, options);
        this.values = new JsonValues(text, limit);
    }

    @Override
    protected FileEntry readNext() throws IOException {
        JsonValues.Value value = values.next();
        if (value == null) {
            return null;
        }
        return value.problem() != null ? FileEntry.invalid(value.line(), null, null, value.problem())
                : jsonEntry(value.line(), value.text());
    }
}
