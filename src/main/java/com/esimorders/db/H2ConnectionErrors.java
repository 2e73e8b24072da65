package com.esimorders.db;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the pool to drop a connection whose H2 database went away (server stopped or restarted, database closed).
 * H2 reports these with its own error codes rather than the SQL states the pool recognises, so without this the
 * broken connections stay in the pool after the database is back, and every step that gets one fails.
 */
public class H2ConnectionErrors implements SQLExceptionOverride {

    /** CONNECTION_BROKEN_1, DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN */
    private static final Set<Integer> GONE = Set.of(90067, 90098, 90121);

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        return GONE.contains(e.getErrorCode()) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
    }
}
