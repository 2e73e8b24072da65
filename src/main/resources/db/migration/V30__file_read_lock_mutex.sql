-- One row that instances lock (SELECT ... FOR UPDATE) while they take a file read lock in CAMEL_MESSAGEPROCESSED,
-- so that two instances never both find a file's lock free at the same moment.
CREATE TABLE file_read_lock_mutex (
    name VARCHAR(50) PRIMARY KEY
);
INSERT INTO file_read_lock_mutex (name) VALUES ('order-file-intake');
