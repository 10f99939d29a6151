-- ---------------------------------------------------------------------
-- Last: guards that the script itself must not trip over while it builds
-- the built-in rows.
-- ---------------------------------------------------------------------

CREATE TRIGGER service_builtin_guard BEFORE UPDATE OR DELETE ON cultuur.service
    FOR EACH ROW WHEN (OLD.builtin) EXECUTE FUNCTION cultuur.service_builtin_guard();
