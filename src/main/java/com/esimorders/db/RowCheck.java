package com.esimorders.db;

/**
 * SQL for a statement that finds one row by its key and then checks its state ({@code WHERE topup_id = ? AND
 * status = 'PENDING' ...}). Written plainly, H2 may plan such a statement with an index on the state's columns, e.g.
 * {@code mail_outbox (status, next_attempt_at)}, when it estimates few rows there, and then walks every due row to
 * update one (a profile of a webhook burst showed the email claim spending most of its time so). Inside a CASE the
 * condition cannot steer the plan: the key's index finds the row, and the condition is checked on that row only.
 */
public final class RowCheck {

    private RowCheck() {
    }

    /** {@code condition} as a check on the row the key found, e.g. {@code " AND " + RowCheck.of("status = 'SENDING'")}. */
    public static String of(String condition) {
        return "(CASE WHEN " + condition + " THEN 1 ELSE 0 END) = 1";
    }
}
