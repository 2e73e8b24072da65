package com.esimorders.db;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.tx.Transaction;
import org.h2.mvstore.tx.TransactionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes, before anything else uses an H2 file, the commits that a killed process left half done in it.
 * <p>
 * H2 (2.5.252) commits a transaction in steps: it marks the transaction's undo log committed, turns its writes
 * committed one map after another, then clears the log; and a store of the file that another thread's commit makes
 * meanwhile holds whatever each map has at that moment. After a SIGKILL, H2 finds such a transaction committed and
 * means to finish it when it opens the file ({@code TransactionStore.endLeftoverTransactions}), but
 * {@code Transaction.commit()} does nothing for a transaction whose status is COMMITTED already: it stays open for
 * good, the writes not yet turned stay invisible, and every insert of one of their unique keys waits for it until
 * "Timeout trying to lock table". Seen in CrashIT on H2: an order came back ACCEPTED with its history row but
 * without its eSIM item, and that eSIM's webhooks were answered 503 until the provider gave up.
 * <p>
 * This finishes each such transaction as H2's own recovery path does ({@code TransactionStore.commit(transaction,
 * true)}, then {@code Transaction.close}), through reflection because both are package-private. It costs nothing
 * when there is none: the open transactions are a list in memory.
 */
final class H2Leftovers {

    private static final Logger LOG = LoggerFactory.getLogger(H2Leftovers.class);

    private H2Leftovers() {
    }

    /**
     * Opens the file first and finishes the commits left half done; the caller keeps the connection open until its
     * pool has the database (closed, the file would be opened again). Null when the file cannot be opened now.
     */
    static Connection openFirst(String url, String user, String password) {
        Connection connection = null;
        try {
            connection = DriverManager.getConnection(url, user, password);
            int finished = finishCommits(connection);
            if (finished > 0) {
                LOG.warn("H2: finished {} commit(s) that the last run was killed in the middle of", finished);
            }
            return connection;
        } catch (SQLException | ReflectiveOperationException | RuntimeException e) {
            LOG.warn("H2: could not look for commits left half done: {}", e.toString());
            close(connection);
            return null;
        }
    }

    /** Finishes every transaction H2 found committed but left open; answers how many. */
    static int finishCommits(Connection connection) throws SQLException, ReflectiveOperationException {
        TransactionStore transactions = ((SessionLocal) connection.unwrap(JdbcConnection.class).getSession())
                .getDatabase().getStore().getTransactionStore();
        int finished = 0;
        for (Transaction transaction : transactions.getOpenTransactions()) {
            if (transaction.getStatus() == Transaction.STATUS_COMMITTED) {
                invoke(TransactionStore.class.getDeclaredMethod("commit", Transaction.class, boolean.class),
                        transactions, transaction, true);
                invoke(Transaction.class.getDeclaredMethod("close", boolean.class, Throwable.class), transaction,
                        true, null);
                finished++;
            }
        }
        return finished;
    }

    static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the first H2 connection", e);
            }
        }
    }

    private static void invoke(Method method, Object target, Object... arguments) throws ReflectiveOperationException {
        method.setAccessible(true);
        try {
            method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
