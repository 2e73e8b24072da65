package com.esimorders.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Tells a database that is unavailable (down, restarting, unreachable) from an error in what we asked of it. */
public final class DatabaseOutage {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseOutage.class);

    private DatabaseOutage() {
    }

    /** True when {@code error}, or a cause of it, says the database could not be reached or went away. */
    public static boolean isOutage(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataAccessResourceFailureException || cause instanceof TransientDataAccessException
                    || cause instanceof RecoverableDataAccessException
                    || cause instanceof CannotCreateTransactionException
                    || cause instanceof TransactionSystemException) {
                return true;
            }
            // SQL states of class 08 (connection exception) and 57 (operator intervention, e.g. a shutdown)
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57"))) {
                return true;
            }
            if (cause instanceof java.sql.SQLTransientException || cause instanceof java.sql.SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code work}, again and again while the database is unavailable, for up to {@code patience}: for writes
     * whose content cannot be had again (the provider's answer to an order). Other errors are thrown at once.
     */
    public static <T> T retry(String what, Duration patience, Supplier<T> work) {
        long deadline = System.nanoTime() + patience.toNanos();
        long delayMs = 100;
        while (true) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (!isOutage(e) || System.nanoTime() + delayMs * 1_000_000 > deadline) {
                    throw e;
                }
                LOG.warn("{}: the database is unavailable ({}); trying again in {} ms", what,
                        e.getClass().getSimpleName(), delayMs);
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                delayMs = Math.min(delayMs * 2, 5_000);
            }
        }
    }
}
