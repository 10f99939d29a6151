-- cultuur: contracts, tariffs and usage of the Flemish public libraries'
-- digital services, computed exactly inside PostgreSQL.
-- This file is generated from sql/install/*.sql by make; edit those.
\echo Use "CREATE EXTENSION cultuur" to load this file. \quit

-- Stored expressions (CHECK, DEFAULT, views, index predicates, generated
-- columns, SQL-standard function bodies) bind their functions and
-- operators when this script runs.  CREATE EXTENSION puts the schema of
-- btree_gist (usually public, writable by the database owner) on the
-- search path, where a look-alike with a closer signature (date_trunc(text,
-- date), an operator >= (numeric, integer)) would win over pg_catalog's and
-- later run as whoever touches the table.  So the script runs with
-- pg_catalog alone on its path (SET LOCAL: CREATE EXTENSION restores the
-- caller's path afterwards), names its own objects cultuur.*, and also
-- qualifies the functions it calls in stored expressions.
SET LOCAL search_path = pg_catalog, pg_temp;
