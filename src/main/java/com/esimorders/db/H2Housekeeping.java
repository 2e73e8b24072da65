package com.esimorders.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file housekeeping H2 does not do for an embedded database opened with WRITE_DELAY=0 (see
 * {@link Database#durableUrl}): that setting stores each commit as a chunk of its own and stops H2's background
 * thread, which is what rewrites the few live pages of old chunks so that their space can be used again. Without
 * it the file grew by about 18 KB per order and never shrank (6 GB after 325,000 orders), and H2 kept every
 * chunk's metadata on the heap. Four times a second this rewrites up to {@link #WRITE_BYTES} of the emptiest
 * chunks older than H2's retention time (45 s; a shorter one lost commits at a SIGKILL, see docs/reliability.md).
 */
final class H2Housekeeping extends ServiceSupport {

    /** rewrite chunks whose pages are less than this percentage live */
    private static final int TARGET_FILL_RATE = 80;
    /** at most this much of old chunks rewritten per round (their live pages only, a few per cent of it) */
    private static final int WRITE_BYTES = 16 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);

    private final DataSource dataSource;
    private ScheduledExecutorService scheduler;

    H2Housekeeping(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    protected void doStart() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "esim-h2-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::compact, 250, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void compact() {
        try {
            store().compact(TARGET_FILL_RATE, WRITE_BYTES);
        } catch (SQLException | RuntimeException e) {
            // the database is closing, or unavailable for now: the next round tries again
            LOG.debug("H2 housekeeping skipped", e);
        }
    }

    /**
     * Looked up each round rather than kept: when H2's last connection closes, H2 closes the database, and the next
     * connection opens a new store (a kept one would be closed, and the housekeeping would stop for good).
     */
    private MVStore store() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            return session.getDatabase().getStore().getMvStore();
        }
    }
}
