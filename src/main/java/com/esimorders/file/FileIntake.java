package com.esimorders.file;

import com.esimorders.db.DatabaseOutage;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The steps of the order-file-intake route: open a drop file as a stream of entries, write one results row per
 * input line as each order's outcome comes back, count, log progress and a summary, and choose done/ or error/.
 * Logs name files, lines, ids and counts, never customer data.
 */
public class FileIntake {

    public static final String RUN = "esimFileRun";
    public static final String ENTRY = "esimFileEntry";
    /** done or error: the folder the route's move option sends the file to */
    public static final String FOLDER = "esimIntakeFolder";

    static final String DUPLICATE = "DUPLICATE";
    static final String INVALID = "INVALID";
    static final String ERROR = "ERROR";

    private static final Logger LOG = LoggerFactory.getLogger(FileIntake.class);

    private final JdbcTemplate jdbc;
    private final Path outDir;
    private final int progressEvery;
    private final OrderFileReader.Options readOptions;

    public FileIntake(DataSource dataSource, Path workDir, int progressEvery, OrderFileReader.Options readOptions) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.outDir = workDir.resolve("out");
        this.progressEvery = progressEvery;
        this.readOptions = readOptions;
    }

    /** Starts a file: its results file under a temporary name, and the counters. */
    public FileRun begin(Exchange exchange) throws IOException {
        String fileName = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        LOG.info("{}: reading", fileName);
        exchange.setProperty(FOLDER, "error");
        return new FileRun(fileName, new ResultsFile(outDir, fileName));
    }

    /**
     * The split expression: the file's entries, streamed. Camel closes the reader when the split ends. The orders'
     * source names the file and its modification time, e.g. {@code orders.csv@2026-12-02T10:15:30.123Z:2}: the same
     * file read again (after a crash or an outage) is recognised as the same input, a new drop of it is not.
     */
    public OrderFileReader entries(@Header("CamelFileAbsolutePath") String path) throws IOException {
        Path file = Path.of(path);
        Instant modified = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.MILLIS);
        return OrderFileReader.open(file, file.getFileName() + "@" + modified, readOptions);
    }

    /**
     * One entry of the split: kept as the exchange property {@value #ENTRY} for its results rows. Answers its order,
     * or null when its lines cannot become one.
     */
    public Order admit(Exchange exchange) {
        FileEntry entry = exchange.getIn().getBody(FileEntry.class);
        exchange.setProperty(ENTRY, entry);
        return entry.order();
    }

    /** An order came back from direct:submit-order. */
    public void recordOutcome(@ExchangeProperty(RUN) FileRun run, @ExchangeProperty(ENTRY) FileEntry entry,
            @ExchangeProperty(Exchange.SPLIT_INDEX) int index, OrderOutcome outcome) throws IOException {
        String status = outcome.duplicate() ? DUPLICATE : outcome.status().name();
        String error = outcome.duplicate()
                ? "already recorded as " + outcome.status() + (outcome.errors().isEmpty() ? "" : ": " + String.join("; ", outcome.errors()))
                : String.join("; ", outcome.errors());
        List<String> topups = topupsPerLine(entry, outcome);
        List<ResultsFile.Row> rows = new ArrayList<>();
        for (int i = 0; i < entry.lines().size(); i++) {
            FileEntry.Line line = entry.lines().get(i);
            rows.add(new ResultsFile.Row(line.number(), line.externalOrderId(), line.optionId(), topups.get(i), status,
                    error.isEmpty() ? null : error));
        }
        run.results.write(index, rows);
        finished(run, status, entry, true);
    }

    /** Lines that could not become an order. */
    public void recordInvalid(@ExchangeProperty(RUN) FileRun run, @ExchangeProperty(ENTRY) FileEntry entry,
            @ExchangeProperty(Exchange.SPLIT_INDEX) int index) throws IOException {
        List<ResultsFile.Row> rows = new ArrayList<>();
        for (FileEntry.Line line : entry.lines()) {
            rows.add(new ResultsFile.Row(line.number(), line.externalOrderId(), line.optionId(), null, INVALID,
                    line.error()));
            LOG.info("{} line {}: invalid: {}", run.fileName, line.number(), line.error());
        }
        run.results.write(index, rows);
        finished(run, INVALID, entry, false);
    }

    /**
     * The order failed in an unexpected way: reported on its lines. When the database is unavailable the error is
     * thrown again instead: it stops the file, which is read again later.
     */
    public void recordError(@ExchangeProperty(RUN) FileRun run, @ExchangeProperty(ENTRY) FileEntry entry,
            @ExchangeProperty(Exchange.SPLIT_INDEX) int index, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause)
            throws Exception {
        if (DatabaseOutage.isOutage(cause)) {
            throw cause;
        }
        String error = "not processed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage());
        List<ResultsFile.Row> rows = new ArrayList<>();
        for (FileEntry.Line line : entry.lines()) {
            rows.add(new ResultsFile.Row(line.number(), line.externalOrderId(), line.optionId(), null, ERROR, error));
        }
        run.results.write(index, rows);
        LOG.warn("{} lines {}: order {} failed ({})", run.fileName, entry.lineRange(),
                entry.order().externalOrderId(), cause.getClass().getSimpleName());
        finished(run, ERROR, entry, false);
    }

    /**
     * The file could not be processed. The database is unavailable: the partial results are dropped and the error
     * thrown again, so the file stays in the inbox and is read again at a later poll. Anything else (the file
     * cannot be read): its results file says why and the file goes to error/.
     */
    public void failed(Exchange exchange, @ExchangeProperty(RUN) FileRun run,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) throws Exception {
        if (DatabaseOutage.isOutage(cause)) {
            run.results.discard();
            LOG.warn("{}: stopped, the database is unavailable ({}); the file stays in the inbox and is read again",
                    run.fileName, cause.getClass().getSimpleName());
            throw cause;
        }
        Path results = run.results.commit(new ResultsFile.Row(0, null, null, null, ERROR,
                "the file could not be processed: "
                        + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())));
        exchange.setProperty(FOLDER, "error");
        LOG.error("{}: could not be processed ({}); moved to error/, results in {}", run.fileName, cause.toString(),
                results.getFileName());
    }

    /** Completes the results file, logs the summary and chooses done/ or error/. */
    public void finish(Exchange exchange, @ExchangeProperty(RUN) FileRun run) throws IOException {
        Path results = run.results.commit();
        String folder = run.anyProcessed() ? "done" : "error";
        exchange.setProperty(FOLDER, folder);
        LOG.info("{}: finished in {} s, {} orders/s, {} lines, {} entries: {}; moved to {}/, results in {}",
                run.fileName, String.format("%.1f", run.seconds()), run.perSecond(), run.lines(), run.entries(),
                run.countsByStatus(), folder, results.getFileName());
    }

    private void finished(FileRun run, String status, FileEntry entry, boolean reachedTheDatabase) {
        long done = run.count(status, entry.lines().size(), reachedTheDatabase);
        if (done % progressEvery == 0) {
            LOG.info("{}: {} orders done ({}), {} orders/s", run.fileName, done, run.countsByStatus(), run.perSecond());
        }
    }

    /**
     * The topup_ids of each line, space-separated. A one-line order has them all; the lines of a larger order get
     * those of their option_id from esim_items, qty by qty.
     */
    private List<String> topupsPerLine(FileEntry entry, OrderOutcome outcome) {
        List<String> ids = outcome.topupIds() == null ? List.of() : outcome.topupIds();
        if (ids.isEmpty()) {
            return Collections.nCopies(entry.lines().size(), "");
        }
        if (entry.lines().size() == 1) {
            return List.of(String.join(" ", ids));
        }
        Map<String, Deque<String>> byOption = new HashMap<>();
        jdbc.query("SELECT topup_id, option_id FROM esim_items WHERE external_order_id = ? ORDER BY topup_id",
                rs -> {
                    if (ids.contains(rs.getString(1))) {
                        byOption.computeIfAbsent(rs.getString(2), k -> new ArrayDeque<>()).add(rs.getString(1));
                    }
                }, outcome.externalOrderId());
        List<Order.OrderProduct> products = entry.order().products();
        return products.stream().map(product -> {
            Deque<String> available = byOption.getOrDefault(product.optionId(), new ArrayDeque<>());
            StringBuilder line = new StringBuilder();
            for (int unit = 0; unit < product.qty() && !available.isEmpty(); unit++) {
                line.append(line.length() == 0 ? "" : " ").append(available.poll());
            }
            return line.toString();
        }).toList();
    }
}
