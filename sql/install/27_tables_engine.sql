-- ---------------------------------------------------------------------
-- Layer 2, tables: the engine's own lock rows.
-- ---------------------------------------------------------------------

-- Restoring a dump: a full dump creates the rule triggers only after the
-- rows are loaded (the books live outside the extension, 70_books.sql); a
-- data-only dump is loaded into tables whose triggers are in place.  While
-- Rows the engine locks to serialise what must not run concurrently: the
-- rule checks of one contract, framework agreement or service, and the
-- invoicing runs.  No role has any privilege on this table, so no session
-- but the engine's can take these locks (unlike an advisory lock, which any
-- session could take and hold).  A lock is taken by updating its row, not
-- only locking it: a REPEATABLE READ transaction whose snapshot predates a
-- concurrent holder's commit then fails with 40001 instead of checking a
-- rule against rows it cannot see.
CREATE TABLE cultuur.engine_lock (
    name    text NOT NULL,
    key     text NOT NULL DEFAULT '',
    runs    bigint NOT NULL DEFAULT 0,
    CONSTRAINT engine_lock_one_row_per_key PRIMARY KEY (name, key)
);
INSERT INTO cultuur.engine_lock (name) VALUES ('invoicing');
COMMENT ON TABLE cultuur.engine_lock IS 'Rows the engine updates to serialise rule checks per contract, framework agreement or service (name, key), and its invoicing runs (name invoicing); runs counts how often a row was taken. Shipped with the extension, readable and writable by no role; its rows are made when first needed.';
