package com.esimorders.file;

import java.io.IOException;

/**
 * JSON Lines: one order object per line; blank lines are skipped; a bad line (malformed, too long, not valid UTF-8)
 * does not stop the file.
 */
final class JsonLinesOrderReader extends OrderFileReader {

    private final Lines lines;

    JsonLinesOrderReader(String fileName, DecodedText text, Options options) {
        super(fileName, text, options);
        this.lines = new Lines(text, limit);
    }

    @Override
    protected FileEntry readNext() throws IOException {
        Lines.Line line;
        do {
            line = lines.next();
            if (line == null) {
                return null;
            }
        } while (!line.tooLong() && line.text().isBlank());
        if (line.problem() != null) {
            return FileEntry.invalid(line.number(), null, null, line.problem());
        }
        return jsonEntry(line.number(), line.text());
    }
}
