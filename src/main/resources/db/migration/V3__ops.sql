-- Operations: a quarantined webhook that an operator applied (POST /ops/quarantine/{id}/apply) keeps its row, marked
-- with the time it went through the normal webhook path.
ALTER TABLE webhook_quarantine ADD COLUMN applied_at TIMESTAMP WITH TIME ZONE;
