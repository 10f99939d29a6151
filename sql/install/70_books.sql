-- ---------------------------------------------------------------------
-- The books live outside the extension.
--
-- Every table, sequence and view above except engine_lock holds or shows
-- the consortium's books: contracts, terminations, invoices, payments,
-- usage.  They are created here and then released from the extension, so
-- that they are ordinary tables of schema cultuur:
--   - pg_dump dumps them like any table: definitions, rows, grants and
--     comments, and creates their foreign keys, triggers and indexes only
--     after every row is loaded.  So every restore path (pg_restore serial
--     or -j, psql -f, --single-transaction, pg_dumpall) loads the rows as
--     dumped, without the rule triggers and in any order;
--   - their columns use the extension's types and their triggers its
--     functions, so a plain DROP EXTENSION cultuur is refused;
--   - the event trigger cultuur_keep_books refuses any command that would
--     drop them or their columns, or the extension, as a side effect (DROP EXTENSION cultuur
--     CASCADE, DROP EXTENSION btree_gist CASCADE, DROP SCHEMA public
--     CASCADE).  Removing cultuur with its books is one deliberate command:
--     DROP SCHEMA cultuur CASCADE.
-- The functions of the extension never name a table's row type in their
-- signatures, so nothing of the extension depends on the books.
--
-- Restoring a dump: CREATE EXTENSION is the dump's first statement, and
-- the dump then creates the books itself.  So when the script runs in a
-- restore (cultuur.restoring(): a superuser session with row_security off,
-- as pg_dump and pg_restore set it, or cultuur.restoring on) it removes the
-- empty books it just made, and the dump's own CREATE TABLE statements
-- follow.
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.keep_books() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    gone   text;
    ext    boolean;
    n      integer;
BEGIN
    -- a book is a table with the refuse_truncate trigger (46_triggers_record.sql
    -- gives it to every table it makes): dropped with it, or still there
    -- when one of its columns is dropped
    SELECT min(d.object_type || ' ' || d.object_identity), bool_or(d.object_type = 'extension'), count(*)
      INTO gone, ext, n
      FROM pg_event_trigger_dropped_objects() d
     WHERE (d.object_type = 'extension' AND d.object_identity = 'cultuur')
        OR (d.object_type = 'table' AND d.schema_name = 'cultuur'
            AND EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() t
                         WHERE t.object_type = 'trigger'
                           AND t.object_identity = 'refuse_truncate on ' || d.object_identity))
        OR (d.object_type = 'table column' AND d.schema_name = 'cultuur'
            AND EXISTS (SELECT 1 FROM pg_trigger t
                         WHERE t.tgrelid = d.objid AND t.tgname = 'refuse_truncate'));
    IF gone IS NULL THEN
        RETURN;
    END IF;
    -- the extension's own upgrade scripts reshape its tables (asked only
    -- when the extension itself stays: its functions go with it)
    IF NOT ext THEN
        IF cultuur.in_extension_script() THEN
            RETURN;
        END IF;
    END IF;
    IF ext THEN
        gone := 'extension cultuur';
    END IF;
    RAISE EXCEPTION 'this would remove cultuur''s books: % (and % more)', gone, n - 1
        USING ERRCODE = 'dependent_objects_still_exist',
              DETAIL = 'Contracts, invoices, payments and usage live in the tables of schema cultuur; nothing was dropped.',
              HINT = 'Dump the database first (README, "Backup and restore"). To remove cultuur and all its data on purpose: DROP SCHEMA cultuur CASCADE.';
END;
$$;
COMMENT ON FUNCTION cultuur.keep_books() IS 'Event trigger function (sql_drop): refuses a command that would drop the extension cultuur, or one of its tables or their columns, other than the extension''s own upgrade; DROP SCHEMA cultuur CASCADE is the one deliberate way to remove it all.';

CREATE EVENT TRIGGER cultuur_keep_books ON sql_drop
    EXECUTE FUNCTION cultuur.keep_books();
COMMENT ON EVENT TRIGGER cultuur_keep_books IS 'cultuur: no command drops the books (the tables of schema cultuur and their columns) or the extension as a side effect.';

-- release the books, the event trigger and its function from the extension
DO $$
DECLARE
    o record;
BEGIN
    FOR o IN
        SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' END AS kind,
               pg_catalog.format('cultuur.%I', c.relname) AS name
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_depend d
            ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e'
         WHERE c.relnamespace = 'cultuur'::pg_catalog.regnamespace
           AND c.relkind IN ('r', 'S', 'v')
           AND c.relname <> 'engine_lock'
         ORDER BY c.relkind, c.relname
    LOOP
        EXECUTE pg_catalog.format('ALTER EXTENSION cultuur DROP %s %s', o.kind, o.name);
    END LOOP;
END;
$$;
ALTER EXTENSION cultuur DROP EVENT TRIGGER cultuur_keep_books;
ALTER EXTENSION cultuur DROP FUNCTION cultuur.keep_books();

-- in a restore, the dump brings the books (and the event trigger) itself
DO $$
DECLARE
    o record;
BEGIN
    IF NOT cultuur.restoring() THEN
        RETURN;
    END IF;
    DROP EVENT TRIGGER cultuur_keep_books;
    DROP FUNCTION cultuur.keep_books();
    FOR o IN
        SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' ELSE 'VIEW' END AS kind,
               pg_catalog.format('cultuur.%I', c.relname) AS name
          FROM pg_catalog.pg_class c
         WHERE c.relnamespace = 'cultuur'::pg_catalog.regnamespace
           AND c.relkind IN ('r', 'v') AND c.relname <> 'engine_lock'
         ORDER BY c.relkind DESC, c.relname
    LOOP
        EXECUTE pg_catalog.format('DROP %s IF EXISTS %s CASCADE', o.kind, o.name);
    END LOOP;
END;
$$;
