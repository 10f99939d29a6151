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

-- CREATE EXTENSION reuses a schema cultuur that already exists.  One that
-- another role owns, or where another role may create objects, would let
-- that role add overloads that the owner-run functions below would call
-- (cultuur.volume_charge(cultuur.tiers, integer, integer), say): refuse it.
DO $$
DECLARE
    who text;
BEGIN
    SELECT r.rolname INTO who
      FROM pg_catalog.pg_namespace n
      JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
     WHERE n.nspname = 'cultuur' AND NOT r.rolsuper;
    IF who IS NULL THEN
        SELECT r.rolname INTO who
          FROM pg_catalog.pg_namespace n
         CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a
          JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
         WHERE n.nspname = 'cultuur' AND a.privilege_type = 'CREATE' AND NOT r.rolsuper
         LIMIT 1;
    END IF;
    IF who IS NOT NULL THEN
        RAISE EXCEPTION 'schema cultuur exists and role % may create objects in it', who
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The extension''s functions run with its owner''s rights and resolve names in schema cultuur.',
                  HINT = 'Drop that schema (or make a superuser its only owner and creator), then run CREATE EXTENSION cultuur again.';
    END IF;
END;
$$;
