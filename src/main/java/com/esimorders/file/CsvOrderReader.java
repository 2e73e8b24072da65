package com.esimorders.file;

import com.esimorders.order.OrderDraft;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * CSV with the header {@code external_order_id,option_id,qty,customer_email,customer_name} (RFC 4180 quoting, so a
 * quoted field may hold commas, quotes and line breaks; see {@link CsvRecords} for a quote that is never closed).
 * Adjacent rows with the same external_order_id form one order; the customer is taken from the first row that gives
 * one. A row that cannot be read (wrong number of fields, bytes not valid in the charset, a quote not closed) but
 * whose id can is part of that order, and refuses it whole: an order is never sent in part.
 */
final class CsvOrderReader extends OrderFileReader {

    static final List<String> COLUMNS = List.of("external_order_id", "option_id", "qty", "customer_email",
            "customer_name");
    /** More adjacent rows than this for one id is a mistake (and would grow memory): the order is refused. */
    static final int MAX_LINES_PER_ORDER = 1000;

    /** A row: its first line, the values of the five columns (null when missing), and why it is refused. */
    private record Row(int line, List<String> values, String error) {
        String get(String column) {
            return values.get(COLUMNS.indexOf(column));
        }

        String id() {
            String id = get("external_order_id");
            return id == null ? "" : id.trim();
        }
    }

    private final CsvRecords records;
    /** the index of each column name in the header (the first, when a name is repeated) */
    private final Map<String, Integer> header = new HashMap<>();
    private final int headerSize;
    private final String headerProblem;
    private boolean headerReported;
    private Row lookahead;
    private String oversizedId;

    CsvOrderReader(String fileName, DecodedText text, Options options) throws IOException {
        super(fileName, text, options);
        this.records = new CsvRecords(text, limit);
        CsvRecords.Record first = records.next();
        List<String> names = first == null ? List.of() : first.fields();
        for (int i = 0; i < names.size(); i++) {
            header.putIfAbsent(names.get(i), i);
        }
        this.headerSize = names.size();
        this.headerProblem = first == null ? null : first.problem() != null ? first.problem() : headerProblem(header);
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
        // A row that cannot be read (row.error()) still belongs to the order its id names, and refuses all of it
        // (see order()). Without an id (a line too long to keep, a blank first field) it is an entry of its own and
        // ends the order before it, as a well-formed row with a blank id does: nothing ties it to either neighbour,
        // and a guess could refuse an unrelated good order. Were it in fact a line of the order before it, that
        // order goes without it and the rows after it with the same id come as a second order, answered DUPLICATE.
        if ((first.error() != null && id.isEmpty()) || (oversizedId != null && oversizedId.equals(id))) {
            String error = first.error() != null ? first.error() : tooManyLines();
            return FileEntry.invalid(first.line(), id, first.get("option_id"), error);
        }
        oversizedId = null;
        List<Row> rows = new ArrayList<>();
        rows.add(first);
        while (!id.isEmpty()) {
            Row row = readRow();
            if (row == null || !row.id().equals(id)) {
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

    /**
     * The order of these rows; when some of them cannot be read (wrong number of fields, a byte not valid in the
     * charset, a quote not closed), the whole order is refused: each such row with its own reason, every other row
     * with its own problems if it has any, else with the first row that cannot be read.
     */
    private FileEntry order(List<Row> rows) {
        List<Row> readable = rows.stream().filter(r -> r.error() == null).toList();
        if (readable.size() == rows.size()) {
            return checked(rows);
        }
        Row bad = rows.stream().filter(r -> r.error() != null).findFirst().orElseThrow();
        String notSent = "not sent: line " + bad.line() + " of this order is invalid: " + bad.error();
        Iterator<FileEntry.Line> checked = readable.isEmpty() ? Collections.emptyIterator()
                : checked(readable).lines().iterator();
        List<FileEntry.Line> lines = new ArrayList<>();
        for (Row row : rows) {
            if (row.error() != null) {
                lines.add(new FileEntry.Line(row.line(), row.id(), row.get("option_id"), row.error()));
                continue;
            }
            FileEntry.Line line = checked.next();
            boolean ownProblem = line.error() != null && !line.error().equals(ANOTHER_LINE_INVALID);
            lines.add(ownProblem ? line : new FileEntry.Line(line.number(), line.externalOrderId(), line.optionId(), notSent));
        }
        return new FileEntry(null, lines);
    }

    /** The order of these readable rows, checked: valid, or invalid with every line's reasons. */
    private FileEntry checked(List<Row> rows) {
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
                .map(r -> new FileEntry.Line(r.line(), r.id(), r.get("option_id"),
                        r.error() != null ? r.error() : tooManyLines()))
                .toList();
        return new FileEntry(null, lines);
    }

    private static String tooManyLines() {
        return "an order may have at most " + MAX_LINES_PER_ORDER + " lines";
    }

    /** The next row that is not blank, or null at the end. */
    private Row readRow() throws IOException {
        CsvRecords.Record record;
        do {
            record = records.next();
            if (record == null) {
                return null;
            }
        } while (record.problem() == null && record.fields().size() == 1 && record.fields().get(0).isBlank());
        List<String> fields = record.fields();
        String error = record.problem() != null ? record.problem()
                : fields.size() == headerSize ? null : "expected " + headerSize + " fields, found " + fields.size();
        List<String> values = COLUMNS.stream().map(header::get).map(i -> i < fields.size() ? fields.get(i) : null).toList();
        return new Row(record.line(), values, error);
    }
}
