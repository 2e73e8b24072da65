package com.esimorders.file;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The drop folder's read locks, shared by every instance through the database (table file_read_locks): the file
 * consumer's idempotent read-lock repository. A lock belongs to the instance that took it: only that instance
 * refreshes it (every {@code keepAlive}) and removes it, so a file consumer that gives up on a file it could not
 * lock never frees another instance's lock. A lock not refreshed for {@code maxAge} is a stopped instance's and is
 * taken over, atomically, by one instance.
 */
public class FileReadLocks extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(FileReadLocks.class);

    private final JdbcTemplate jdbc;
    private final CamelContext context;
    private final Duration maxAge;
    private final Duration keepAlive;
    private final String owner = UUID.randomUUID().toString();
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService refresher;

    public FileReadLocks(DataSource dataSource, CamelContext context, Duration maxAge, Duration keepAlive) {
        if (keepAlive.compareTo(maxAge) >= 0) {
            throw new IllegalArgumentException("the lock keep-alive interval must be shorter than its maximum age");
        }
        this.jdbc = new JdbcTemplate(dataSource);
        this.context = context;
        this.maxAge = maxAge;
        this.keepAlive = keepAlive;
    }

    @Override
    public boolean add(String key) {
        Timestamp now = now();
        try {
            jdbc.update("INSERT INTO file_read_locks (file_key, owner, locked_at) VALUES (?, ?, ?)", key, owner, now);
        } catch (DuplicateKeyException held) {
            int takenOver = jdbc.update("UPDATE file_read_locks SET owner = ?, locked_at = ? WHERE file_key = ?"
                    + " AND locked_at < ?", owner, now, key, new Timestamp(now.getTime() - maxAge.toMillis()));
            if (takenOver == 0) {
                return false;
            }
            LOG.warn("Took over the read lock of {} from a stopped instance", key);
        }
        this.held.add(key);
        return true;
    }

    @Override
    public boolean remove(String key) {
        held.remove(key);
        return jdbc.update("DELETE FROM file_read_locks WHERE file_key = ? AND owner = ?", key, owner) == 1;
    }

    @Override
    public boolean contains(String key) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM file_read_locks WHERE file_key = ? AND locked_at >= ?",
                Integer.class, key, new Timestamp(now().getTime() - maxAge.toMillis())) > 0;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        held.forEach(this::remove);
    }

    @Override
    protected void doStart() {
        refresher = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "FileReadLocks");
        refresher.scheduleWithFixedDelay(this::refresh, keepAlive.toMillis(), keepAlive.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (refresher != null) {
            context.getExecutorServiceManager().shutdownNow(refresher);
        }
    }

    private void refresh() {
        for (String key : held) {
            try {
                jdbc.update("UPDATE file_read_locks SET locked_at = ? WHERE file_key = ? AND owner = ?", now(), key,
                        owner);
            } catch (RuntimeException e) {
                LOG.warn("Could not refresh the read lock of {}: {}", key, e.getMessage());
            }
        }
    }

    private static Timestamp now() {
        return new Timestamp(System.currentTimeMillis());
    }
}
