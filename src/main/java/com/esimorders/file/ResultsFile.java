package com.esimorders.file;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * {@code out/<file>.results.csv}: one row per input line, in input order. Orders are sent in parallel and finish in
 * any order: each entry's rows are written once every entry before it is written (the ones waiting are held in
 * memory: at most what finishes while the slowest order in flight still retries). It is written under a hidden
 * temporary name and renamed when complete, so a reader never sees half of it. A cell that a spreadsheet would run as a formula is written as
 * text (see {@link #cell}).
 */
final class ResultsFile {

    static final String[] COLUMNS = {"line", "external_order_id", "option_id", "topup_ids", "status", "error"};
    /** The first characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection). */
    private static final String FORMULA_START = "=+-@\t\r";

    private final Path target;
    private final Path temp;
    private final CSVPrinter printer;
    private final TreeMap<Long, List<Row>> waiting = new TreeMap<>();
    private long nextEntry;

    /** One row of the results file. */
    record Row(int line, String externalOrderId, String optionId, String topupIds, String status, String error) {
    }

    ResultsFile(Path outDir, String fileName) throws IOException {
        Files.createDirectories(outDir);
        this.target = outDir.resolve(fileName + ".results.csv");
        this.temp = outDir.resolve("." + fileName + ".results.csv." + UUID.randomUUID() + ".part");
        Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
        this.printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader(COLUMNS).get());
    }

    /** The rows of the file's entry number {@code entry} (0, 1, 2, ... in input order). */
    synchronized void write(long entry, List<Row> rows) throws IOException {
        waiting.put(entry, rows);
        while (!waiting.isEmpty() && waiting.firstKey() == nextEntry) {
            print(waiting.pollFirstEntry().getValue());
            nextEntry++;
        }
    }

    private void print(List<Row> rows) throws IOException {
        for (Row row : rows) {
            printer.printRecord(row.line(), cell(row.externalOrderId()), cell(row.optionId()), cell(row.topupIds()),
                    cell(row.status()), cell(row.error()));
        }
    }

    /**
     * The value as it is written: one that starts with =, +, -, @, a tab or a carriage return (an id, or an error
     * text quoting what the sender wrote) gets a leading ' so that a spreadsheet shows it and never runs it.
     */
    private static String cell(String value) {
        return value == null || value.isEmpty() || FORMULA_START.indexOf(value.charAt(0)) < 0 ? value : "'" + value;
    }

    /** Drops the partial results: the file will be read again. */
    synchronized void discard() throws IOException {
        printer.close(true);
        Files.deleteIfExists(temp);
    }

    /**
     * Completes the file under its final name (replacing the results of an earlier file of the same name), after
     * the rows still waiting for an earlier entry (one that never finished, when the file was stopped) and then
     * {@code last}.
     */
    synchronized Path commit(Row... last) throws IOException {
        for (Map.Entry<Long, List<Row>> entry : waiting.entrySet()) {
            print(entry.getValue());
        }
        waiting.clear();
        print(List.of(last));
        printer.close(true);
        return Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
