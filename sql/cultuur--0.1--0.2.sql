-- cultuur 0.1 -> 0.2: ALTER EXTENSION cultuur UPDATE TO '0.2'.
--
-- Every change to an object of the extension made in sql/install/ after
-- release 0.1 is written here too, in the same commit, so that an updated
-- 0.1 is the same as a fresh 0.2 (test/upgrade.sh compares the two, schema,
-- member definitions, grants and rows).  The books (the tables, sequences
-- and views released from the extension, sql/install/70_books.sql) are
-- changed here like any table; a grant on a book is changed between
-- ALTER EXTENSION cultuur ADD TABLE ... and ... DROP TABLE, so that pg_dump
-- keeps dumping the book's grants.
\echo Use "ALTER EXTENSION cultuur UPDATE" to load this file. \quit

-- the script runs with pg_catalog alone on its path, as the install script
SET LOCAL search_path = pg_catalog, pg_temp;
