-- Cluster-safe read locks of the drop folder: one row per file being read, owned by the instance reading it.
-- Only the owner refreshes or removes its row; a row not refreshed for the maximum age is a stopped instance's and
-- another instance takes it over.
CREATE TABLE file_read_locks (
    file_key    VARCHAR(1000) PRIMARY KEY,
    owner       VARCHAR(100)  NOT NULL,
    locked_at   TIMESTAMP     NOT NULL
);
