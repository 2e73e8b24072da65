package com.esimorders.file;

import com.esimorders.order.Order.OrderSource;
import com.esimorders.order.OrderDraft;
import com.esimorders.order.OrderJson;
import com.esimorders.order.OrderValidator;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Streams the entries of one drop file, one order (or one bad line) at a time, so memory does not grow with the
 * file. The format follows the extension: {@code .csv}, {@code .json} (an order or an array of orders),
 * {@code .jsonl} (an order per line). Input is in {@code esim.intake.charset} (UTF-8 by default) unless a byte order
 * mark says UTF-8 or UTF-16, with CRLF, LF or CR line endings. A line (a CSV record, a JSON order) is kept only up to
 * {@code esim.intake.max-line-length}: a longer one, or one with bytes that are not valid in the charset, is refused
 * (with the order it is in) and the reader goes on with the next.
 */
public abstract class OrderFileReader implements Iterator<FileEntry>, Closeable {

    /**
     * How drop files are read: the charset of a file without a byte order mark, the longest line, CSV record or JSON
     * order kept, and the order rules.
     */
    public record Options(Charset charset, int maxLineLength, OrderValidator validator) {
    }

    /** The reason on a line that is fine itself when another line of its order is not. */
    static final String ANOTHER_LINE_INVALID = "not sent: another line of this order is invalid";

    protected final String fileName;
    protected final DecodedText text;
    protected final TextLimit limit;
    private final OrderValidator validator;
    private FileEntry next;
    private boolean finished;
    private boolean anyEntry;

    protected OrderFileReader(String fileName, DecodedText text, Options options) {
        this.fileName = fileName;
        this.text = text;
        this.limit = new TextLimit(options.maxLineLength());
        this.validator = options.validator();
    }

    public static OrderFileReader open(Path file, Options options) throws IOException {
        return open(file, file.getFileName().toString(), options);
    }

    /** {@code sourceName}: how the orders' source names the file (their source ref is "sourceName:lines"). */
    public static OrderFileReader open(Path file, String sourceName, Options options) throws IOException {
        String name = sourceName;
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!lower.endsWith(".csv") && !lower.endsWith(".json") && !lower.endsWith(".jsonl")) {
            throw new IllegalArgumentException("not an order file (.csv, .json, .jsonl): " + name);
        }
        InputStream in = Files.newInputStream(file);
        try {
            DecodedText text = new DecodedText(in, options.charset());
            if (lower.endsWith(".csv")) {
                return new CsvOrderReader(name, text, options);
            }
            return lower.endsWith(".jsonl") ? new JsonLinesOrderReader(name, text, options)
                    : new JsonOrderReader(name, text, options);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The next entry, or null at the end of the file. A read error ends the file with an entry that says so. */
    protected abstract FileEntry readNext() throws IOException;

    /** The entries, and one that says so when the file holds none (empty, only a header, an empty array, ...). */
    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            try {
                next = readNext();
                finished = next == null;
            } catch (IOException | RuntimeException e) {
                next = FileEntry.invalid(text.line(), null, null, "cannot read the file further: " + message(e));
                finished = true;
            }
            if (next == null && !anyEntry) {
                next = FileEntry.invalid(1, null, null, text.isEmpty() ? "the file is empty" : "the file has no orders");
            }
            anyEntry = true;
        }
        return next != null;
    }

    @Override
    public FileEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        FileEntry entry = next;
        next = null;
        return entry;
    }

    /** The longest text (line, CSV record, JSON order) this reader has kept in memory at once. */
    int longestText() {
        return limit.longest();
    }

    @Override
    public void close() throws IOException {
        text.close();
    }

    static String message(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() != null
                && cause.getMessage().contains(cause.getCause().getClass().getName())) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** The entry for one order written as JSON: a JSON Lines line, or an order of a JSON file. */
    protected FileEntry jsonEntry(int line, String json) {
        try {
            OrderDraft draft = OrderJson.parse(json);
            return entry(draft, Collections.nCopies(Math.max(1, draft.products().size()), line));
        } catch (OrderJson.NotAnOrderException e) {
            return FileEntry.invalid(line, e.externalOrderId(), null, e.getMessage());
        }
    }

    /**
     * The entry for one order: valid, or invalid with every line's reasons. {@code lineNumbers} has one number per
     * product (a JSON order repeats its own line number), or a single number for an order without products.
     */
    protected FileEntry entry(OrderDraft draft, List<Integer> lineNumbers) {
        List<OrderValidator.Problem> problems = validator.check(draft);
        String id = draft.externalOrderId() == null ? null : draft.externalOrderId().trim();
        List<FileEntry.Line> lines = new ArrayList<>();
        List<String> orderProblems = problems.stream().filter(p -> p.product() < 0).map(OrderValidator.Problem::reason)
                .toList();
        for (int i = 0; i < lineNumbers.size(); i++) {
            int index = i;
            String optionId = i < draft.products().size() ? draft.products().get(i).optionId() : null;
            String error = null;
            if (!problems.isEmpty()) {
                List<String> reasons = new ArrayList<>(orderProblems);
                problems.stream().filter(p -> p.product() == index).forEach(p -> reasons.add(p.reason()));
                error = reasons.isEmpty() ? ANOTHER_LINE_INVALID : String.join("; ", reasons);
            }
            lines.add(new FileEntry.Line(lineNumbers.get(i), id, optionId == null ? null : optionId.trim(), error));
        }
        if (!problems.isEmpty()) {
            return new FileEntry(null, lines);
        }
        FileEntry range = new FileEntry(null, lines);
        return new FileEntry(draft.toOrder(OrderSource.file(fileName, range.lineRange())), lines);
    }
}
