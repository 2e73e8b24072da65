package com.esimorders.file;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * RFC 4180 records, read line by line: fields are separated by commas, and a field that starts with a quote may hold
 * commas, line breaks and doubled quotes up to its closing quote. A record is at most the limit long.
 *
 * <p>A quote that is never closed is nearly always a typo, yet by RFC 4180 it takes every following line into its
 * field, up to the next quote anywhere further down. So a record that runs over several lines and then breaks (its
 * quote still open at the end of the file or at the limit, or text after its closing quote) is refused at its first
 * line, and the lines after that one are read again as records of their own: the stray quote costs its own line only.
 * A line read again is a record on its own (a quote it opens must close on it), so no line is read more than twice
 * whatever quotes the file holds. The lines kept to be read again are within the limit, plus the line that did not
 * fit.
 */
final class CsvRecords {

    /** A record: the line it starts on, its fields, and why it is refused (null when it is not). */
    record Record(int line, List<String> fields, String problem) {
    }

    private final Lines lines;
    private final TextLimit limit;
    private final Deque<Lines.Line> again = new ArrayDeque<>();

    CsvRecords(DecodedText text, TextLimit limit) {
        this.lines = new Lines(text, limit);
        this.limit = limit;
    }

    /** The next record, or null at the end. */
    Record next() throws IOException {
        boolean readingAgain = !again.isEmpty();
        Lines.Line first = nextLine();
        if (first == null) {
            return null;
        }
        if (first.tooLong()) {
            return new Record(first.number(), List.of(), first.problem());
        }
        Fields fields = new Fields();
        fields.add(first);
        List<Lines.Line> taken = new ArrayList<>(List.of(first));
        int length = first.length();
        while (fields.quoteOpen()) {
            Lines.Line more = readingAgain ? null : nextLine();
            boolean withinLimit = more != null && !more.tooLong() && limit.allows(length + 1 + more.length());
            if (!withinLimit) {
                readAgain(taken, more);
                String problem = "the quoted field opened on line " + fields.quoteLine() + " is not closed"
                        + (more == null ? "" : " within " + limit.describe());
                return new Record(first.number(), fields.values(), problem);
            }
            fields.lineBreak();
            fields.add(more);
            taken.add(more);
            length += 1 + more.length();
        }
        if (fields.problem() != null && taken.size() > 1) {
            readAgain(taken, null);
        }
        String problem = fields.problem();
        for (int i = 0; problem == null && i < taken.size(); i++) {
            problem = taken.get(i).problem();
        }
        return new Record(first.number(), fields.values(), problem);
    }

    private Lines.Line nextLine() throws IOException {
        return again.isEmpty() ? lines.next() : again.pop();
    }

    /** The lines of a refused record after its first (and the line that did not fit) are read again next. */
    private void readAgain(List<Lines.Line> taken, Lines.Line notTaken) {
        if (notTaken != null) {
            again.push(notTaken);
        }
        for (int i = taken.size() - 1; i > 0; i--) {
            again.push(taken.get(i));
        }
    }

    /** The fields of one record, given line by line. */
    private static final class Fields {
        private final List<String> values = new ArrayList<>();
        private final StringBuilder field = new StringBuilder();
        private boolean quoted;
        private boolean open;
        private int quoteLine;
        private String problem;

        void add(Lines.Line line) {
            String text = line.text();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (open && c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (open) {
                    open = c != '"';
                    if (open) {
                        field.append(c);
                    }
                } else if (c == ',') {
                    endField();
                } else if (quoted) {
                    // after the closing quote only spaces may come before the comma or the end of the line
                    if (!Character.isWhitespace(c) && problem == null) {
                        problem = quoteLine < line.number() ? "the quoted field opened on line " + quoteLine + " is not closed"
                                : "a closing quote must be followed by a comma or the end of the line";
                    }
                } else if (c == '"' && field.length() == 0) {
                    quoted = true;
                    open = true;
                    quoteLine = line.number();
                } else {
                    field.append(c);
                }
            }
        }

        /** A line break inside a quoted field is part of it. */
        void lineBreak() {
            field.append('\n');
        }

        boolean quoteOpen() {
            return open;
        }

        int quoteLine() {
            return quoteLine;
        }

        String problem() {
            return problem;
        }

        /** The fields, the last one included; call once, at the end of the record. */
        List<String> values() {
            endField();
            return values;
        }

        private void endField() {
            values.add(field.toString());
            field.setLength(0);
            quoted = false;
            open = false;
        }
    }
}
