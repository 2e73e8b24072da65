package com.esimorders.intake;

import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;

/**
 * The cluster-safe file read locks: camel-sql's orphan-aware repository, with taking a lock serialized across
 * instances. Without that, two instances that poll the same new file at the same moment can both see no lock, and
 * the second then "takes over" the first one's fresh row as if it were orphaned: both would read the file.
 */
public class FileReadLocks extends JdbcOrphanLockAwareIdempotentRepository {

    public FileReadLocks(DataSource dataSource, String processorName, CamelContext context) {
        super(dataSource, processorName, context);
    }

    @Override
    public boolean add(String key) {
        // the repository's own add joins this transaction (same data source), so it runs under the row lock
        return Boolean.TRUE.equals(getTransactionTemplate().execute(status -> {
            getJdbcTemplate().queryForList("SELECT name FROM file_read_lock_mutex WHERE name = ? FOR UPDATE",
                    String.class, getProcessorName());
            return super.add(key);
        }));
    }
}
