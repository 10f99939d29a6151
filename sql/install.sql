-- The extension installs into its own schema, with btree_gist.
CREATE EXTENSION cultuur CASCADE;
SELECT extname, extversion = a.default_version AS default_version, extrelocatable, n.nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
  JOIN pg_available_extensions a ON a.name = e.extname
 WHERE extname IN ('cultuur', 'btree_gist') ORDER BY extname;
-- relocating is refused
ALTER EXTENSION cultuur SET SCHEMA public;
