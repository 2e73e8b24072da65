package com.esimorders.db;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Pattern;
import org.h2.engine.ConnectionInfo;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.tx.Transaction;
import org.h2.mvstore.tx.TransactionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs, before anything else uses an H2 file, what H2 2.5.252's own recovery gets wrong after a killed process:
 * it can stop at an older version than the newest in the file, and it leaves commits half done.
 * <p>
 * <b>Older version.</b> After an unclean stop H2 finds its newest version by following the chain of chunks from the
 * one its file header names. The header can be rewritten to name chunk N while chunk N+1 goes to another place than
 * N said the next would; H2 then stops at N, and the commits after it, acknowledged ones too, are gone (seen in 5 of
 * 363 SIGKILLs of a kill loop, 20 to 173 commits each). H2's recovery mode reads the whole file instead and takes
 * the newest complete version: it brought every one of those commits back and changed nothing in 22 other killed
 * files. So when the file header does not say the last close was clean, the file is opened and closed once in
 * recovery mode (which rewrites the header to name that version), before the database is opened.
 * <p>
 * <b>Half done commits.</b>
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

    private static final String FILE_SUFFIX = ".mv.db";
    /** H2's file header: two copies of one block of text, "clean:1" among its fields after a clean close */
    private static final int HEADER_BLOCK = 4096;
    private static final Pattern CLEAN = Pattern.compile("(^|,)clean:1(,|$|\\s)");

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
            recoverNewestVersion(Path.of(new ConnectionInfo(url, new Properties(), user, password).getName()
                    + FILE_SUFFIX));
            connection = DriverManager.getConnection(url, user, password);
            int finished = finishCommits(connection);
            if (finished > 0) {
                LOG.warn("H2: finished {} commit(s) that the last run was killed in the middle of", finished);
            }
            return connection;
        } catch (SQLException | IOException | ReflectiveOperationException | RuntimeException e) {
            LOG.warn("H2: could not repair what an unclean stop left: {}", e.toString());
            close(connection);
            return null;
        }
    }

    /**
     * Unless both copies of the file header say that the file was closed cleanly, opens and closes it in H2's recovery
     * mode; answers whether it did. A file that does not exist yet is left alone.
     */
    static boolean recoverNewestVersion(Path file) throws IOException {
        if (!Files.exists(file) || closedCleanly(file)) {
            return false;
        }
        long started = System.nanoTime();
        MVStore store = new MVStore.Builder().fileName(file.toString()).recoveryMode().open();
        long version = store.getCurrentVersion();
        store.close();
        LOG.info("H2: the last run did not close {} cleanly; newest complete version {} found by reading the whole"
                + " file ({} ms)", file.getFileName(), version, (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    private static boolean closedCleanly(Path file) throws IOException {
        byte[] head = new byte[2 * HEADER_BLOCK];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                return false;
            }
        }
        String first = new String(head, 0, HEADER_BLOCK, StandardCharsets.ISO_8859_1);
        String second = new String(head, HEADER_BLOCK, HEADER_BLOCK, StandardCharsets.ISO_8859_1);
        return CLEAN.matcher(first).find() && CLEAN.matcher(second).find();
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
