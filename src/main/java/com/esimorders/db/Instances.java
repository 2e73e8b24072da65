package com.esimorders.db;

import com.esimorders.Daemons;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * This running instance in the shared database (table app_instances), kept alive by a heartbeat. Orders and emails
 * are claimed by an instance; a claim whose instance has stopped beating (it was killed) is free again after
 * {@code deadAfter}, so a restarted or another instance takes over its work within that time.
 */
public class Instances extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Instances.class);

    private final JdbcTemplate jdbc;
    private final String id = UUID.randomUUID().toString();
    private final Duration heartbeat;
    private final Duration deadAfter;
    private ScheduledExecutorService beater;

    public Instances(DataSource dataSource, Duration heartbeat, Duration deadAfter) {
        if (heartbeat.multipliedBy(2).compareTo(deadAfter) > 0) {
            throw new IllegalArgumentException("the instance heartbeat must be at most half of its dead-after time");
        }
        this.jdbc = new JdbcTemplate(dataSource);
        this.heartbeat = heartbeat;
        this.deadAfter = deadAfter;
    }

    public String id() {
        return id;
    }

    /**
     * SQL condition: the claim in columns {@code claimed_by} / {@code claimed_until} of the row is free, because
     * nobody holds it, it has run out (at {@code now}: {@code ?} for a parameter, or {@code CURRENT_TIMESTAMP}), or
     * its instance is dead (by the database's clock).
     */
    public String claimIsFree(String now) {
        return "(claimed_by IS NULL OR claimed_until IS NULL OR claimed_until < " + now + " OR claimed_by NOT IN"
                + " (SELECT instance_id FROM app_instances WHERE heartbeat_at > CURRENT_TIMESTAMP - "
                + deadAfter.toMillis() + " * INTERVAL '0.001' SECOND))";
    }

    @Override
    protected void doStart() {
        jdbc.update("INSERT INTO app_instances (instance_id) VALUES (?)", id);
        beater = Daemons.scheduler("esim-instance-heartbeat");
        beater.scheduleWithFixedDelay(this::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Instance {} started", id);
    }

    private void beat() {
        try {
            if (jdbc.update("UPDATE app_instances SET heartbeat_at = CURRENT_TIMESTAMP WHERE instance_id = ?", id) == 0) {
                jdbc.update("INSERT INTO app_instances (instance_id) VALUES (?)", id);
            }
            jdbc.update("DELETE FROM app_instances WHERE heartbeat_at < CURRENT_TIMESTAMP - "
                    + deadAfter.toMillis() * 100 + " * INTERVAL '0.001' SECOND");
        } catch (RuntimeException e) {
            LOG.warn("Instance heartbeat failed (database unavailable?): {}", e.getMessage());
        }
    }

    /** A stopping instance gives up its claims at once: what it did not finish is taken over without waiting. */
    @Override
    protected void doStop() {
        if (beater != null) {
            beater.shutdownNow();
        }
        try {
            jdbc.update("DELETE FROM app_instances WHERE instance_id = ?", id);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove instance {} (its claims free themselves after {} s): {}", id,
                    deadAfter.toSeconds(), e.getMessage());
        }
    }
}
