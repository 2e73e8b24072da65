package com.esimorders.intake;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV with the header {@code external_order_id,option_id,qty,customer_email,customer_name} (RFC 4180 quoting, so a
 * quoted field may hold commas, quotes and line breaks). Adjacent rows with the same external_order_id form one
 * order; the customer is taken from the first row that gives one.
 */
final class CsvOrderReader extends OrderFileReader {

    static final List<String> COLUMNS = List.of("external_order_id", "option_id", "qty", "customer_email",
            "customer_name");
    /** More adjacent rows than this for one id is a mistake (and would grow memory): the order is refused. */
    static final int MAX_LINES_PER_ORDER = 1000;

    /** A row, or (record null) the reason the file cannot be read further. */
    private record Row(int line, CSVRecord record, String error) {
        String get(String column) {
            return record != null && record.isSet(column) ? record.get(column) : null;
        }

        String id() {
            String id = get("external_order_id");
            return id == null ? "" : id.trim();
        }
    }

    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final String headerProblem;
    private boolean headerReported;
    private boolean ended;
    private Row lookahead;
    private String oversizedId;

    CsvOrderReader(String fileName, Reader reader, OrderValidator validator) throws IOException {
        super(fileName, reader, validator);
        // empty lines come back as one-field records (skipped below) so that line numbers stay exact
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(false)
                .setAllowMissingColumnNames(true)
                .setAllowDuplicateHeaderNames(true)
                .get();
        this.parser = CSVParser.builder().setReader(reader).setFormat(format).get();
        this.records = parser.iterator();
        this.headerProblem = headerProblem(parser.getHeaderMap() == null ? Map.of() : parser.getHeaderMap());
    }

    /** All five columns must be named, exactly; further columns are ignored. */
    private static String headerProblem(Map<String, Integer> header) {
        List<String> missing = COLUMNS.stream().filter(c -> !header.containsKey(c)).toList();
        return missing.isEmpty() ? null
                : "the first line must be the header " + String.join(",", COLUMNS) + "; missing " + String.join(",", missing);
    }

    @Override
    protected FileEntry readNext() throws IOException {
        if (headerProblem != null) {
            if (headerReported) {
                return null;
            }
            headerReported = true;
            return FileEntry.invalid(1, null, null, headerProblem);
        }
        Row first = lookahead != null ? lookahead : readRow();
        lookahead = null;
        if (first == null) {
            return null;
        }
        String id = first.id();
        if (first.error() != null || (oversizedId != null && oversizedId.equals(id))) {
            String error = first.error() != null ? first.error() : tooManyLines();
            return FileEntry.invalid(first.line(), id, first.get("option_id"), error);
        }
        oversizedId = null;
        List<Row> rows = new ArrayList<>();
        rows.add(first);
        while (!id.isEmpty()) {
            Row row = readRow();
            if (row == null || row.error() != null || !row.id().equals(id)) {
                lookahead = row;
                break;
            }
            if (rows.size() == MAX_LINES_PER_ORDER) {
                oversizedId = id;
                lookahead = row;
                return tooLarge(rows);
            }
            rows.add(row);
        }
        return order(rows);
    }

    private FileEntry order(List<Row> rows) {
        Row first = rows.get(0);
        String email = null;
        String name = null;
        List<OrderDraft.Product> products = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        for (Row row : rows) {
            products.add(new OrderDraft.Product(row.get("option_id"), row.get("qty")));
            lines.add(row.line());
            if (email == null || email.isBlank()) {
                email = row.get("customer_email");
            }
            if (name == null || name.isBlank()) {
                name = row.get("customer_name");
            }
        }
        return entry(new OrderDraft(first.get("external_order_id"), products, email, name), lines);
    }

    private FileEntry tooLarge(List<Row> rows) {
        List<FileEntry.Line> lines = rows.stream()
                .map(r -> new FileEntry.Line(r.line(), r.id(), r.get("option_id"), tooManyLines()))
                .toList();
        return new FileEntry(null, lines);
    }

    private static String tooManyLines() {
        return "an order may have at most " + MAX_LINES_PER_ORDER + " lines";
    }

    /** The next non-empty row with its first line number, or null at the end (or after a read error). */
    private Row readRow() {
        while (!ended) {
            int line = (int) parser.getCurrentLineNumber() + 1;
            CSVRecord record;
            try {
                // next() without hasNext(): the parser must not read ahead, or its line count would run ahead too
                record = records.next();
            } catch (NoSuchElementException end) {
                ended = true;
                return null;
            } catch (UncheckedIOException | IllegalStateException e) {
                ended = true;
                return new Row(line, null, "cannot read the file further: " + message(e));
            }
            if (record.size() == 1 && record.get(0).isBlank()) {
                continue;
            }
            String error = record.isConsistent() ? null
                    : "expected " + parser.getHeaderNames().size() + " fields, found " + record.size();
            return new Row(line, record, error);
        }
        return null;
    }

    @Override
    protected int currentLine() {
        return (int) parser.getCurrentLineNumber() + 1;
    }

    @Override
    public void close() throws IOException {
        parser.close();
        super.close();
    }
}
