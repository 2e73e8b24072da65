package com.esimorders.crash;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The outcome checks of a crash scenario, on what the stand-in, GreenMail, the database (read after a polite stop)
 * and the results file say. Every failed check is collected with the ids and states it is about; all of them are
 * reported together.
 * <ol>
 * <li>Provider: every external_order_id of the file taken exactly once, none other; no webhook given up.</li>
 * <li>orders: every order of the file COMPLETED.</li>
 * <li>esim_items: exactly the eSIMs the provider issued (one per unit), each once, DELIVERED, on its order.</li>
 * <li>Email: every eSIM received by SMTP at least once; an eSIM received more often only if its email was in flight
 * (received, outbox row not SENT) at a disruption, at most once more per such disruption; every outbox row SENT.</li>
 * <li>Results file: {@code out/<file>.results.csv} exists and the file is in {@code done/}; one row per input line,
 * with its external_order_id; the status reported for each line is not an error: {@code ACCEPTED}, or
 * {@code DUPLICATE} "already recorded as" RECEIVED, SENDING, ACCEPTED or COMPLETED (the file was read again after a
 * kill and the order had been recorded by the killed instance; recovery sends it). The application replaces the
 * results of an earlier read of the same file name, so the file left is that of the last complete read.</li>
 * <li>Timing (when there was a disruption): the last email less than 1 minute after the last restart was healthy.</li>
 * </ol>
 */
final class CrashChecks {

    private static final int SHOW = 15;
    private static final Set<String> PENDING_ORDER_STATES = Set.of("RECEIVED", "SENDING", "ACCEPTED", "COMPLETED");
    static final Duration CATCH_UP_LIMIT = Duration.ofMinutes(1);

    private final CrashScenario scenario;
    private final AppDatabase.Snapshot db;
    private final boolean finished;
    private final boolean exitedByItself;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, String> summary = new LinkedHashMap<>();

    CrashChecks(CrashScenario scenario, AppDatabase.Snapshot db, boolean finished, boolean exitedByItself) {
        this.scenario = scenario;
        this.db = db;
        this.finished = finished;
        this.exitedByItself = exitedByItself;
    }

    void run() throws IOException {
        summary.put("scenario", scenario.name());
        summary.put("db", scenario.isH2() ? "H2" : "PostgreSQL");
        summary.put("orders", String.valueOf(scenario.orders().size()));
        summary.put("disruptions", scenario.disruptions().isEmpty() ? "none"
                : String.join(",", scenario.disruptions()).replace(" ", ""));
        summary.put("starts", String.valueOf(scenario.app().starts()));
        summary.put("healthyAgainIn", scenario.recoveries().isEmpty() ? "-" : String.join("/", scenario.recoveries()));
        summary.put("finished", finished ? "yes" : "NO");
        summary.put("duration", CrashScenario.seconds(scenario.sinceDropped()).replace(" ", ""));
        checkRun();
        checkProvider();
        checkOrders();
        checkEsims();
        checkEmails();
        checkResultsFile();
        checkTiming();
        summary.put("appCpu", CrashScenario.seconds(scenario.app().cpuTime()).replace(" ", ""));
        summary.put("harnessCpu", CrashScenario.seconds(Duration.ofNanos(((com.sun.management.OperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime())).replace(" ", ""));
        summary.put("failedChecks", String.valueOf(failures.size()));
    }

    /** One line: key=value pairs, for target/crash/summary.txt and docs/reliability.md. */
    String summary() {
        return summary.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    void assertAll() {
        if (!failures.isEmpty()) {
            StringBuilder message = new StringBuilder(scenario.name() + ": " + failures.size() + " checks failed ("
                    + "logs and files under " + CrashScenario.CRASH_DIR + "):");
            failures.forEach(failure -> message.append(System.lineSeparator()).append(" - ").append(failure));
            throw new AssertionError(message.toString());
        }
    }

    private void checkRun() {
        expect(!exitedByItself, "the application exited during the final wait, not stopped by the test (exit code %d;"
                + " 143 is a SIGTERM from outside); see %s", scenario.exitCodeDuringWait(), scenario.app().currentLog());
        expect(finished, "not finished after the last disruption (the wait ends after %s, or after %s without"
                + " progress): %s", CrashScenario.seconds(CrashScenario.FINISH_WITHIN),
                CrashScenario.seconds(CrashScenario.STALL_LIMIT), scenario.progress());
        expect(scenario.provider().standInErrors() == 0, "harness: the provider stand-in failed %d requests",
                scenario.provider().standInErrors());
        expect(scenario.webhooks().senderErrors() == 0, "harness: the webhook sender failed %d times",
                scenario.webhooks().senderErrors());
    }

    private void checkProvider() {
        ProviderStandIn provider = scenario.provider();
        Set<String> inFile = scenario.orders().orderIds();
        Set<String> taken = provider.takenOrderIds();
        Map<String, Integer> refused = provider.refusedAsTaken();
        summary.put("taken", taken.size() + "/" + inFile.size());
        summary.put("providerRequests", String.valueOf(provider.requests()));
        summary.put("providerAnswers", provider.answersByStatus().replace(" ", ""));
        summary.put("refusedAsAlreadyTaken", String.valueOf(refused.values().stream().mapToInt(i -> i).sum()));

        Set<String> neverTaken = minus(inFile, taken);
        expect(neverTaken.isEmpty(), "orders of the file never taken by the provider (lost): %d of %d, e.g. %s",
                neverTaken.size(), inFile.size(), first(neverTaken));
        Set<String> foreign = minus(taken, inFile);
        expect(foreign.isEmpty(), "orders taken by the provider that are not in the file: %d, e.g. %s",
                foreign.size(), first(foreign));
        List<String> twice = taken.stream().filter(id -> provider.timesTaken(id) != 1).sorted()
                .map(id -> id + " x" + provider.timesTaken(id)).toList();
        expect(twice.isEmpty(), "orders taken more than once: %s", first(twice));

        Set<String> gaveUp = scenario.webhooks().gaveUp();
        summary.put("webhooksAnswered200", scenario.webhooks().answeredCount() + "/" + scenario.webhooks().scheduledCount());
        summary.put("webhookPosts", String.valueOf(scenario.webhooks().posts()));
        expect(gaveUp.isEmpty(), "webhooks the stand-in gave up on (not answered 200 within 120 s of retries): %d,"
                + " e.g. %s", gaveUp.size(), first(describe(gaveUp, this::esimState)));
    }

    private void checkOrders() {
        Map<String, String> notCompleted = new TreeMap<>();
        for (String id : scenario.orders().orderIds()) {
            AppDatabase.OrderRow row = db.orders().get(id);
            if (row == null) {
                notCompleted.put(id, "not in the orders table");
            } else if (!"COMPLETED".equals(row.status())) {
                notCompleted.put(id, row.status() + (row.lastError() == null ? "" : " (last_error: " + row.lastError() + ")")
                        + providerView(id));
            }
        }
        summary.put("ordersByStatus", countBy(db.orders().values(), AppDatabase.OrderRow::status).toString().replace(" ", ""));
        expect(notCompleted.isEmpty(), "orders not COMPLETED: %d of %d (%s), e.g. %s", notCompleted.size(),
                scenario.orders().size(), countBy(notCompleted.values(), v -> v.split("[ ;]")[0]), first(notCompleted));
        Set<String> foreign = minus(db.orders().keySet(), scenario.orders().orderIds());
        expect(foreign.isEmpty(), "orders in the database that are not in the file: %s", first(foreign));
    }

    private void checkEsims() {
        Map<String, String> issued = scenario.provider().issuedTopupIds();
        Map<String, AppDatabase.EsimRow> stored = db.esimItems();
        summary.put("esimsStored", stored.size() + "/" + issued.size());
        expect(issued.size() == scenario.orders().size(),
                "the provider issued %d eSIMs for %d one-unit orders", issued.size(), scenario.orders().size());
        expect(stored.size() == issued.size(), "esim_items holds %d rows, the provider issued %d eSIMs",
                stored.size(), issued.size());
        Set<String> lost = minus(issued.keySet(), stored.keySet());
        expect(lost.isEmpty(), "eSIMs issued by the provider but not in esim_items (lost): %d, e.g. %s",
                lost.size(), first(describe(lost, topup -> "order " + issued.get(topup) + orderState(issued.get(topup)))));
        Set<String> foreign = minus(stored.keySet(), issued.keySet());
        expect(foreign.isEmpty(), "esim_items rows the provider never issued: %d, e.g. %s", foreign.size(),
                first(foreign));
        Map<String, String> notDelivered = new TreeMap<>();
        Map<String, String> wrongOrder = new TreeMap<>();
        stored.forEach((topup, row) -> {
            if (!"DELIVERED".equals(row.status())) {
                notDelivered.put(topup, row.status() + " (order " + row.externalOrderId() + ")");
            }
            String expected = issued.get(topup);
            if (expected != null && !expected.equals(row.externalOrderId())) {
                wrongOrder.put(topup, "stored on " + row.externalOrderId() + ", issued for " + expected);
            }
        });
        expect(notDelivered.isEmpty(), "eSIMs not DELIVERED: %d (%s), e.g. %s", notDelivered.size(),
                countBy(notDelivered.values(), v -> v.split(" ")[0]), first(notDelivered));
        expect(wrongOrder.isEmpty(), "eSIMs stored on the wrong order: %s", first(wrongOrder));
    }

    private void checkEmails() {
        MailCatcher mail = scenario.mail();
        Map<String, String> issued = scenario.provider().issuedTopupIds();
        Set<String> received = mail.receivedTopupIds();
        Map<String, Integer> copies = mail.duplicates();
        Map<String, List<String>> inFlight = scenario.inFlight();
        summary.put("emails", String.valueOf(mail.messages()));
        summary.put("emailedEsims", received.size() + "/" + issued.size());
        summary.put("duplicates", String.valueOf(copies.values().stream().mapToInt(n -> n - 1).sum()));
        summary.put("inFlightAtDisruptions", String.valueOf(inFlight.size()));

        Set<String> notEmailed = minus(issued.keySet(), received);
        expect(notEmailed.isEmpty(), "eSIMs never emailed: %d of %d, e.g. %s", notEmailed.size(), issued.size(),
                first(describe(notEmailed, this::esimState)));
        Set<String> foreign = minus(received, issued.keySet());
        expect(foreign.isEmpty(), "emails for topup_ids the provider never issued: %s", first(foreign));
        expect(mail.unrecognised().isEmpty(), "emails without an <esim-{topup_id}@esim-orders> Message-ID: %d, e.g. %s",
                mail.unrecognised().size(), first(mail.unrecognised()));

        Map<String, String> unexplained = new TreeMap<>();
        copies.forEach((topup, n) -> {
            List<String> at = inFlight.getOrDefault(topup, List.of());
            if (n > 1 + at.size()) {
                unexplained.put(topup, n + " copies, in flight at " + (at.isEmpty() ? "no disruption" : at)
                        + "; " + esimState(topup));
            }
        });
        summary.put("unexplainedDuplicates", String.valueOf(unexplained.size()));
        if (!copies.isEmpty()) {
            scenario.log("eSIMs emailed more than once: " + copies.size() + " (" + unexplained.size()
                    + " not explained by an email in flight at a disruption)");
        }
        expect(unexplained.isEmpty(), "eSIMs emailed more than once without their email being in flight at a"
                + " disruption: %d, e.g. %s", unexplained.size(), first(unexplained));

        Map<String, String> notSent = new TreeMap<>();
        db.mailOutbox().forEach((topup, status) -> {
            if (!"SENT".equals(status)) {
                notSent.put(topup, status);
            }
        });
        summary.put("outboxByStatus", countBy(db.mailOutbox().values(), Function.identity()).toString().replace(" ", ""));
        expect(notSent.isEmpty(), "mail_outbox rows not SENT at the end: %d (%s), e.g. %s", notSent.size(),
                countBy(notSent.values(), Function.identity()), first(notSent));
    }

    private void checkResultsFile() throws IOException {
        Path results = scenario.resultsFile();
        Path work = scenario.work();
        try (Stream<Path> parts = Files.exists(work.resolve("out")) ? Files.list(work.resolve("out")) : Stream.empty()) {
            summary.put("unfinishedResultsParts", String.valueOf(parts.filter(p -> p.getFileName().toString()
                    .endsWith(".part")).count()));
        }
        String where = Stream.of("inbox", "done", "error")
                .filter(folder -> Files.exists(work.resolve(folder).resolve(scenario.orders().name())))
                .collect(Collectors.joining(", "));
        expect(Files.exists(scenario.doneFile()), "the drop file is not in done/ (it is in: %s)",
                where.isEmpty() ? "no folder" : where);
        if (!Files.exists(results)) {
            failures.add("the results file " + results + " is missing (the drop file is in: "
                    + (where.isEmpty() ? "no folder" : where) + ")");
            return;
        }
        Map<Integer, List<CSVRecord>> rowsByLine = new TreeMap<>();
        try (Reader in = Files.newBufferedReader(results, StandardCharsets.UTF_8)) {
            for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                rowsByLine.computeIfAbsent(Integer.parseInt(row.get("line")), n -> new ArrayList<>()).add(row);
            }
        }
        List<Integer> missing = new ArrayList<>();
        List<Integer> repeated = new ArrayList<>();
        Map<String, String> wrongId = new TreeMap<>();
        Map<String, String> errors = new TreeMap<>();
        Map<String, Integer> statuses = new TreeMap<>();
        for (OrderFile.Line line : scenario.orders().lines()) {
            List<CSVRecord> rows = rowsByLine.remove(line.number());
            if (rows == null) {
                missing.add(line.number());
                continue;
            }
            if (rows.size() > 1) {
                repeated.add(line.number());
            }
            CSVRecord row = rows.get(rows.size() - 1);
            String status = row.get("status");
            String error = row.get("error");
            String key = "line " + line.number() + " " + line.externalOrderId();
            statuses.merge(status, 1, Integer::sum);
            if (!line.externalOrderId().equals(row.get("external_order_id"))) {
                wrongId.put(key, "row says " + row.get("external_order_id"));
            }
            if (!acceptable(status, error)) {
                // what really happened to the order, next to what the file reports
                AppDatabase.OrderRow order = db.orders().get(line.externalOrderId());
                errors.put(key, status + (error == null || error.isEmpty() ? "" : ": " + error) + " [provider: "
                        + (scenario.provider().timesTaken(line.externalOrderId()) == 1 ? "taken" : "never taken")
                        + ", orders: " + (order == null ? "no row" : order.status()) + "]");
            }
        }
        summary.put("resultsByStatus", statuses.toString().replace(" ", ""));
        expect(missing.isEmpty(), "results rows missing for %d input lines, e.g. lines %s", missing.size(),
                first(missing));
        expect(repeated.isEmpty(), "input lines with more than one results row: %s", first(repeated));
        expect(rowsByLine.isEmpty(), "results rows for lines that are not in the file: %s", first(rowsByLine.keySet()));
        expect(wrongId.isEmpty(), "results rows naming another external_order_id: %s", first(wrongId));
        expect(errors.isEmpty(), "results rows whose final status is an error: %d (%s), e.g. %s", errors.size(),
                countBy(errors.values(), v -> v.split(":")[0]), first(errors));
    }

    /** ACCEPTED, or DUPLICATE of an order recorded in a state that is not an error. */
    private static boolean acceptable(String status, String error) {
        // a line read again after a kill gives its order's own outcome: COMPLETED once its eSIMs are in
        if ("ACCEPTED".equals(status) || "COMPLETED".equals(status)) {
            return true;
        }
        if ("DUPLICATE".equals(status) && error != null && error.startsWith("already recorded as ")) {
            String recorded = error.substring("already recorded as ".length()).split("[ :]")[0];
            return PENDING_ORDER_STATES.contains(recorded);
        }
        return false;
    }

    private void checkTiming() {
        Optional<Instant> last = scenario.mail().lastReceipt();
        Instant healthy = scenario.app().lastHealthyAt();
        if (last.isEmpty()) {
            return; // "never emailed" says it
        }
        Duration after = Duration.between(healthy, last.get());
        summary.put("lastEmailAfterLastHealthy", CrashScenario.seconds(after).replace(" ", ""));
        if (scenario.disruptions().isEmpty()) {
            return; // no restart: nothing to catch up on
        }
        expect(after.compareTo(CATCH_UP_LIMIT) < 0, "the last email arrived %s after the last restart was healthy"
                + " (limit %s)", CrashScenario.seconds(after), CrashScenario.seconds(CATCH_UP_LIMIT));
    }

    // --- descriptions ---

    /** "order X, esim_items DELIVERED, outbox PENDING, emailed 0x, webhook answered 200" */
    private String esimState(String topup) {
        String order = scenario.provider().issuedTopupIds().get(topup);
        AppDatabase.EsimRow esim = db.esimItems().get(topup);
        String outbox = db.mailOutbox().get(topup);
        boolean answered = scenario.webhooks().answeredTopupIds().contains(topup);
        return "order " + order + orderState(order) + ", esim_items " + (esim == null ? "no row" : esim.status())
                + ", outbox " + (outbox == null ? "no row" : outbox) + ", webhook "
                + (answered ? "answered 200" : "never answered 200");
    }

    private String orderState(String order) {
        AppDatabase.OrderRow row = order == null ? null : db.orders().get(order);
        return " (" + (row == null ? "not in orders" : row.status()) + ")";
    }

    private String providerView(String order) {
        ProviderStandIn provider = scenario.provider();
        int refused = provider.refusedAsTaken().getOrDefault(order, 0);
        return "; provider: " + (provider.timesTaken(order) == 1 ? "taken" : "never taken")
                + (refused > 0 ? ", refused as taken " + refused + "x" : "");
    }

    private void expect(boolean ok, String format, Object... args) {
        if (!ok) {
            failures.add(String.format(format, args));
        }
    }

    private static Map<String, String> describe(Collection<String> ids, Function<String, String> state) {
        Map<String, String> described = new TreeMap<>();
        ids.stream().sorted().limit(SHOW).forEach(id -> described.put(id, state.apply(id)));
        return described;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> result = new TreeSet<>(a);
        result.removeAll(b);
        return result;
    }

    private static <T> Map<String, Integer> countBy(Collection<T> values, Function<T, String> key) {
        Map<String, Integer> counts = new TreeMap<>();
        values.forEach(value -> counts.merge(String.valueOf(key.apply(value)), 1, Integer::sum));
        return counts;
    }

    private static String first(Collection<?> values) {
        List<String> shown = values.stream().limit(SHOW).map(String::valueOf).toList();
        return shown + (values.size() > SHOW ? " and " + (values.size() - SHOW) + " more" : "");
    }

    private static String first(Map<?, ?> values) {
        List<String> shown = values.entrySet().stream().limit(SHOW).map(e -> e.getKey() + ": " + e.getValue()).toList();
        return shown + (values.size() > SHOW ? " and " + (values.size() - SHOW) + " more" : "");
    }
}
