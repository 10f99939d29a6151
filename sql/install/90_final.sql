-- ---------------------------------------------------------------------
-- Last: guards that the script itself must not trip over while it builds
-- the built-in rows.
-- ---------------------------------------------------------------------

CREATE TRIGGER service_builtin_guard BEFORE INSERT OR UPDATE OR DELETE ON cultuur.service
    FOR EACH ROW EXECUTE FUNCTION cultuur.service_builtin_guard();
