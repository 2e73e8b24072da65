package com.esimorders.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.db.MVIndex;
import org.h2.mvstore.db.MVTable;
import org.h2.mvstore.tx.Transaction;
import org.h2.mvstore.tx.TransactionMap;
import org.h2.mvstore.tx.TransactionStore;
import org.h2.schema.Schema;
import org.h2.table.Table;
import org.h2.value.VersionedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls back the writes a SIGKILL left in an H2 file without their transaction, before anything else uses it.
 * <p>
 * H2 (2.5.252) stores a version of its file map by map, each map as it is at that moment, while other transactions
 * go on writing and committing. After a crash it may come back with a row or index entry still marked as written by a
 * transaction whose undo log the same version no longer (or not yet) holds: no transaction owns the entry any more.
 * H2 treats such an entry as rolled back when a statement writes that very key, but its unique-key check does not:
 * it takes the entry for a concurrent insert and waits, so every insert of that key failed with "Timeout trying to
 * lock table" for good (seen once in CrashIT on H2: an order's eSIM item could never be stored, and its webhooks
 * were answered 503 until the provider gave up). A later transaction that gets the same id takes such an entry for
 * its own and sees it.
 * <p>
 * So when the last run did not stop cleanly, the application's first connection walks every table's and index's
 * map once, while it is the only one, and rolls each such entry back through H2's own handling of leftovers, as a
 * write of that key would. A marker file next to the database ({@code <name>.in-use}) is there from the first
 * connection until the pool has closed the database: found at startup, the last run was killed. The walk reads the
 * whole file (2.6 to 5.3 s for 300,000 orders here), so it is not done after a clean stop. See docs/reliability.md, H2.
 */
final class H2Leftovers {

    /** H2's operation id: the transaction id above the undo log id's 40 bits ({@code Transaction.LOG_ID_BITS}) */
    private static final int LOG_ID_BITS = 40;
    private static final String IN_USE_SUFFIX = ".in-use";

    private static final Logger LOG = LoggerFactory.getLogger(H2Leftovers.class);

    private H2Leftovers() {
    }

    /** The first connection to the file, and its in-use marker (both null when the check could not be made). */
    record FirstConnection(Connection connection, Path inUseMarker) {

        void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.debug("closing the first H2 connection", e);
                }
            }
        }
    }

    /** Opens the file first; rolls back the leftovers if the last run did not stop cleanly; marks the file in use. */
    static FirstConnection openFirst(String url, String user, String password) {
        Connection connection = null;
        try {
            connection = DriverManager.getConnection(url, user, password);
            Path marker = Path.of(session(connection).getDatabase().getDatabasePath() + IN_USE_SUFFIX);
            if (Files.exists(marker)) {
                long started = System.nanoTime();
                int rolledBack = rollBack(connection);
                long ms = (System.nanoTime() - started) / 1_000_000;
                if (rolledBack > 0) {
                    LOG.warn("H2: the last run did not stop cleanly; rolled back {} row and index entries it left"
                            + " without their transaction ({} ms)", rolledBack, ms);
                } else {
                    LOG.info("H2: the last run did not stop cleanly; no entry was left without its transaction"
                            + " ({} ms)", ms);
                }
            } else {
                Files.createFile(marker);
            }
            return new FirstConnection(connection, marker);
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("H2: could not look for entries an unclean stop left without their transaction: {}", e.toString());
            new FirstConnection(connection, null).close();
            return new FirstConnection(null, null);
        }
    }

    /** The pool has closed the database: nothing is left to roll back at the next start. */
    static void closedCleanly(Path inUseMarker) {
        try {
            Files.deleteIfExists(inUseMarker);
        } catch (IOException e) {
            LOG.warn("H2: could not delete {}: the next start looks for leftovers for nothing: {}", inUseMarker,
                    e.toString());
        }
    }

    /** Rolls back every entry whose transaction is not open; answers how many there were. */
    static int rollBack(Connection connection) throws SQLException {
        SessionLocal session = session(connection);
        TransactionStore transactions = session.getDatabase().getStore().getTransactionStore();
        Set<Integer> open = transactions.getOpenTransactions().stream().map(Transaction::getId)
                .collect(Collectors.toSet());
        int rolledBack = 0;
        for (MVMap<Object, VersionedValue<Object>> map : maps(session)) {
            List<Object> leftovers = new ArrayList<>();
            for (Cursor<Object, VersionedValue<Object>> cursor = map.cursor(null); cursor.hasNext(); ) {
                Object key = cursor.next();
                long operationId = cursor.getValue().getOperationId();
                if (operationId != VersionedValue.NO_OPERATION_ID && !open.contains((int) (operationId >>> LOG_ID_BITS))) {
                    leftovers.add(key);
                }
            }
            if (leftovers.isEmpty()) {
                continue;
            }
            Transaction transaction = transactions.begin();
            TransactionMap<Object, Object> writes = transaction.openMapX(map);
            for (Object key : leftovers) {
                // the leftover's owner is not open: H2 decides for its committed value, as on any write of the key
                Object committed = map.get(key).getCommittedValue();
                if (committed == null) {
                    writes.remove(key);
                } else {
                    writes.put(key, committed);
                }
            }
            transaction.commit();
            rolledBack += leftovers.size();
        }
        return rolledBack;
    }

    private static SessionLocal session(Connection connection) throws SQLException {
        return (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
    }

    @SuppressWarnings("unchecked")
    private static Set<MVMap<Object, VersionedValue<Object>>> maps(SessionLocal session) {
        Set<MVMap<Object, VersionedValue<Object>>> maps = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Schema schema : session.getDatabase().getAllSchemas()) {
            for (Table table : schema.getAllTablesAndViews(session)) {
                if (table instanceof MVTable) {
                    for (Index index : table.getIndexes()) {
                        if (index instanceof MVIndex<?, ?> mvIndex) {
                            maps.add((MVMap<Object, VersionedValue<Object>>) (MVMap<?, ?>) mvIndex.getMVMap());
                        }
                    }
                }
            }
        }
        return maps;
    }
}
