package com.esimorders.file;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The state of one drop file while its orders are processed in parallel: the results file and counters only
 * (never the orders), so memory does not grow with the file.
 */
public final class FileRun {

    final String fileName;
    final ResultsFile results;
    private final long startNanos = System.nanoTime();
    private final Map<String, LongAdder> entriesByStatus = new ConcurrentHashMap<>();
    private final AtomicLong entries = new AtomicLong();
    private final LongAdder lines = new LongAdder();
    private final LongAdder processed = new LongAdder();

    FileRun(String fileName, ResultsFile results) {
        this.fileName = fileName;
        this.results = results;
    }

    /** Counts one finished entry; returns how many entries are finished now. */
    long count(String status, int lineCount, boolean reachedTheDatabase) {
        entriesByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        lines.add(lineCount);
        if (reachedTheDatabase) {
            processed.increment();
        }
        return entries.incrementAndGet();
    }

    /** True when at least one order was recorded (accepted, rejected, failed or found to be a duplicate). */
    boolean anyProcessed() {
        return processed.sum() > 0;
    }

    long entries() {
        return entries.get();
    }

    long lines() {
        return lines.sum();
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    long perSecond() {
        double seconds = seconds();
        return seconds <= 0 ? entries.get() : Math.round(entries.get() / seconds);
    }

    /** "ACCEPTED=10 DUPLICATE=2 INVALID=1" */
    String countsByStatus() {
        return new TreeMap<>(entriesByStatus).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().sum())
                .collect(Collectors.joining(" "));
    }
}
