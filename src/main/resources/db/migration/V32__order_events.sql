-- A queue order's outcome event is owed until it is published (a crash between the order's final state and the
-- event would otherwise lose the event now that the message is acknowledged once the order is recorded).
ALTER TABLE orders ADD COLUMN event_due BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX orders_event_due ON orders (event_due, updated_at);
