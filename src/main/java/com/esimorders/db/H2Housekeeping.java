package com.esimorders.db;

import com.esimorders.Daemons;
import java.sql.Connection;
import java.sql.SQLException;
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
 * chunk's metadata on the heap. Only chunks older than H2's retention time (45 s) are rewritten; a shorter
 * retention lost commits at a SIGKILL (see docs/reliability.md).
 * <p>
 * Like H2's own housekeeping, it rewrites little while the store is busy and packs the file when it is idle.
 * Rewriting a chunk costs its live pages (read, then written again), so under load only a file whose chunks are
 * less than half live is worth it: rewriting up to 16 MB four times a second whenever they were less than 80 % live
 * took half the CPU of a 1,000,000-line file by its 500,000th line, and the order rate fell from 580/s to 300/s.
 */
final class H2Housekeeping extends ServiceSupport {

    /** while commits go on: rewrite only when the chunks are less than this percentage live, a little at a time */
    private static final int BUSY_FILL_RATE = 50;
    private static final int BUSY_WRITE_BYTES = 2 << 20;
    /** when no commit came since the last round: pack the file until its chunks are this percentage live */
    private static final int IDLE_FILL_RATE = 80;
    private static final int IDLE_WRITE_BYTES = 16 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);

    private final DataSource dataSource;
    private ScheduledExecutorService scheduler;
    private long versionAfterLastRound = -1;

    H2Housekeeping(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    protected void doStart() {
        scheduler = Daemons.scheduler("esim-h2-housekeeping");
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
            MVStore store = store();
            boolean busy = store.getCurrentVersion() != versionAfterLastRound;
            if (busy) {
                store.compact(BUSY_FILL_RATE, BUSY_WRITE_BYTES);
            } else {
                store.compact(IDLE_FILL_RATE, IDLE_WRITE_BYTES);
            }
            // a rewrite is a commit too: only commits that came after it make the next round busy
            versionAfterLastRound = store.getCurrentVersion();
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
