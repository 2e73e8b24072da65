-- Ids of the rows every order, webhook and email adds are handed out from a cache of 1,000 instead of 32: H2 writes
-- a sequence's position (under one lock) each time its cache runs out, and a webhook burst queued on that lock.
-- After a crash the ids continue after the cached range: gaps, never reuse.
ALTER TABLE order_history ALTER COLUMN id SET CACHE 1000;
ALTER TABLE webhook_events ALTER COLUMN id SET CACHE 1000;
ALTER TABLE webhook_quarantine ALTER COLUMN id SET CACHE 1000;
ALTER TABLE mail_outbox ALTER COLUMN id SET CACHE 1000;
