package com.esimorders.intake;

import com.esimorders.order.Order.OrderSource;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Streams the entries of one drop file, one order (or one bad line) at a time, so memory does not grow with the
 * file. The format follows the extension: {@code .csv}, {@code .json} (an order or an array of orders),
 * {@code .jsonl} (an order per line). Input is UTF-8 with or without a BOM, with CRLF or LF line endings.
 */
public abstract class OrderFileReader implements Iterator<FileEntry>, Closeable {

    protected final String fileName;
    private final Reader reader;
    private final OrderValidator validator;
    private FileEntry next;
    private boolean finished;
    private boolean anyEntry;

    protected OrderFileReader(String fileName, Reader reader, OrderValidator validator) {
        this.fileName = fileName;
        this.reader = reader;
        this.validator = validator;
    }

    public static OrderFileReader open(Path file, OrderValidator validator) throws IOException {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.endsWith(".csv") && !lower.endsWith(".json") && !lower.endsWith(".jsonl")) {
            throw new IllegalArgumentException("not an order file (.csv, .json, .jsonl): " + name);
        }
        if (Files.size(file) == 0) {
            return new Unreadable(name, "the file is empty", validator);
        }
        BufferedReader reader = null;
        try {
            reader = utf8(Files.newInputStream(file));
            if (lower.endsWith(".csv")) {
                return new CsvOrderReader(name, reader, validator);
            }
            return lower.endsWith(".jsonl") ? new JsonLinesOrderReader(name, reader, validator)
                    : new JsonOrderReader(name, reader, validator);
        } catch (CharacterCodingException | UncheckedIOException e) {
            // the first block of the file could not be read (decoded or parsed): one error for the whole file
            if (reader != null) {
                reader.close();
            }
            return new Unreadable(name, "cannot read the file: " + message(e), validator);
        }
    }

    /** Strict UTF-8 (a malformed byte is an error, not a silent replacement), a leading BOM skipped. */
    static BufferedReader utf8(InputStream in) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 64 * 1024);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return reader;
    }

    /** The next entry, or null at the end of the file. A read error ends the file with an entry that says so. */
    protected abstract FileEntry readNext() throws IOException;

    /** The entries, and one that says so when the file holds none (only a header, an empty array, blank lines). */
    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            try {
                next = readNext();
                finished = next == null;
            } catch (IOException | RuntimeException e) {
                next = FileEntry.invalid(currentLine(), null, null, "cannot read the file further: " + message(e));
                finished = true;
            }
            if (next == null && !anyEntry) {
                next = FileEntry.invalid(1, null, null, "the file has no orders");
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

    /** The line the reader stopped at, for a read error. */
    protected abstract int currentLine();

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** A file that fails on its first block: it yields one entry, the reason. */
    private static final class Unreadable extends OrderFileReader {
        private final String reason;
        private boolean reported;

        Unreadable(String fileName, String reason, OrderValidator validator) {
            super(fileName, Reader.nullReader(), validator);
            this.reason = reason;
        }

        @Override
        protected FileEntry readNext() {
            if (reported) {
                return null;
            }
            reported = true;
            return FileEntry.invalid(1, null, null, reason);
        }

        @Override
        protected int currentLine() {
            return 1;
        }
    }

    static String message(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() != null
                && cause.getMessage().contains(cause.getCause().getClass().getName())) {
            cause = cause.getCause();
        }
        if (cause instanceof java.nio.charset.CharacterCodingException) {
            return "the file is not valid UTF-8";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
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
                error = reasons.isEmpty() ? "not sent: another line of this order is invalid" : String.join("; ", reasons);
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
