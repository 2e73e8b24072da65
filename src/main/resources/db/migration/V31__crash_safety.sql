-- Crash safety: claims belong to a live instance, quarantined webhooks can be applied later.

-- Every running instance, with a heartbeat: a claim held by an instance whose heartbeat stopped is free again.
CREATE TABLE app_instances (
    instance_id  VARCHAR(64) PRIMARY KEY,
    started_at   TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);

-- the instance that holds the order (with claimed_until) or the email it is sending
ALTER TABLE orders ADD COLUMN claimed_by VARCHAR(64);
ALTER TABLE mail_outbox ADD COLUMN claimed_by VARCHAR(64);

-- a quarantined webhook applied later (its order was recorded after it arrived, or an operator applied it)
ALTER TABLE webhook_quarantine ADD COLUMN applied_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX webhook_quarantine_by_order ON webhook_quarantine (external_order_id);
