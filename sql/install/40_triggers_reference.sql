-- ---------------------------------------------------------------------
-- Layer 4, triggers: framework agreements, their extensions and the
-- built-in services (doc/rules.md §7).  Triggers are thin: each calls the
-- rule functions of layer 3.
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.framework_extension_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    f   cultuur.framework;
    cur date;
    n   integer;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    -- serialise extensions of one framework
    PERFORM cultuur.framework_lock(NEW.service);
    SELECT * INTO f FROM cultuur.framework WHERE service = NEW.service;
    SELECT count(*)::integer INTO n FROM cultuur.framework_extension WHERE service = NEW.service;
    cur := cultuur.framework_end(NEW.service);
    IF n >= f.max_extensions THEN
        RAISE EXCEPTION 'framework agreement for service "%" cannot be extended again', NEW.service
            USING ERRCODE = 'CC006',
                  DETAIL = format('It allows %s extension(s) and has %s.', f.max_extensions, n),
                  HINT = 'A new framework agreement needs a new framework row.';
    END IF;
    IF NEW.ends_on <= cur OR NEW.ends_on > (cur + f.extension_term)::date THEN
        RAISE EXCEPTION 'framework extension of service "%" to % is not allowed', NEW.service, NEW.ends_on
            USING ERRCODE = 'CC005',
                  DETAIL = format('The framework now ends on %s; an extension lasts at most %s.', cur, f.extension_term),
                  HINT = format('Choose an end after %s and on or before %s.', cur, (cur + f.extension_term)::date);
    END IF;
    NEW.seq := n + 1;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.framework_extension_check() IS 'Trigger: numbers a framework extension and refuses one beyond max_extensions or longer than extension_term.';
CREATE TRIGGER framework_extension_check BEFORE INSERT ON cultuur.framework_extension
    FOR EACH ROW EXECUTE FUNCTION cultuur.framework_extension_check();
COMMENT ON TRIGGER framework_extension_check ON cultuur.framework_extension IS 'Numbers and places a framework extension after the current end, within the allowed number and term (CC005, CC006; F 10.2).';

-- The built-in services' terms are the agreements' (E 10, F 10): nobody
-- changes or deletes them, except the extension's own upgrade scripts.  A
-- restore inserts every service row as dumped; a shipped row that is
-- already there, identical (a data-only dump loaded into a fresh install),
-- is skipped instead of failing the whole load.
CREATE FUNCTION cultuur.service_builtin_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF cultuur.shipped_service(NEW.code) AND cultuur.restoring()
           AND EXISTS (SELECT 1 FROM cultuur.service s WHERE s.code = NEW.code AND s = NEW) THEN
            RETURN NULL;
        END IF;
        RETURN NEW;
    END IF;
    IF NOT cultuur.shipped_service(OLD.code) OR cultuur.in_extension_script() THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' OR NEW IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'built-in service "%" cannot be changed or deleted', OLD.code
            USING ERRCODE = 'CC010',
                  HINT = 'Add a service of your own with another code and the terms you need.';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.service_builtin_guard() IS 'Trigger: the services the extension ships (cultuur.shipped_service) cannot be changed or deleted; a restore skips a shipped row that is already there, identical.';
CREATE TRIGGER service_builtin_guard BEFORE INSERT OR UPDATE OR DELETE ON cultuur.service
    FOR EACH ROW EXECUTE FUNCTION cultuur.service_builtin_guard();
COMMENT ON TRIGGER service_builtin_guard ON cultuur.service IS 'The services shipped with cultuur are changed only by its own install and upgrade scripts.';

CREATE FUNCTION cultuur.framework_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    new_end date := date 'infinity';    -- deleted: no end at all
BEGIN
    -- serialise with the other checks of this framework agreement
    PERFORM cultuur.framework_lock(OLD.service);
    IF TG_OP = 'UPDATE' THEN
        new_end := greatest(NEW.ends_on, (SELECT max(e.ends_on) FROM cultuur.framework_extension e
                                           WHERE e.service = OLD.service));
        IF NEW.max_extensions < (SELECT count(*) FROM cultuur.framework_extension e WHERE e.service = OLD.service) THEN
            RAISE EXCEPTION 'framework agreement of service "%" already has more extensions than %', OLD.service, NEW.max_extensions
                USING ERRCODE = 'CC006';
        END IF;
    END IF;
    PERFORM cultuur.refuse_framework_end(OLD.service, new_end);
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.framework_guard() IS 'Trigger: a framework agreement cannot be shortened or removed below the end of a member contract (CC009), nor allow fewer extensions than it has (CC006).';
CREATE TRIGGER framework_guard BEFORE UPDATE OR DELETE ON cultuur.framework
    FOR EACH ROW EXECUTE FUNCTION cultuur.framework_guard();
COMMENT ON TRIGGER framework_guard ON cultuur.framework IS 'A framework agreement is not shortened or removed below a member contract''s end, nor allowed fewer extensions than it has (CC009, CC006; doc/rules.md §7).';

CREATE FUNCTION cultuur.framework_extension_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'extension % of the framework agreement of service "%" cannot be changed', OLD.seq, OLD.service
            USING ERRCODE = 'CC010', HINT = 'Delete the last extension and enter it again.';
    END IF;
    PERFORM cultuur.framework_lock(OLD.service);
    IF EXISTS (SELECT 1 FROM cultuur.framework_extension e WHERE e.service = OLD.service AND e.seq > OLD.seq) THEN
        RAISE EXCEPTION 'extension % of the framework agreement of service "%" is not the last one', OLD.seq, OLD.service
            USING ERRCODE = 'CC010', HINT = 'Delete extensions from the last one backwards.';
    END IF;
    PERFORM cultuur.refuse_framework_end(OLD.service,
        greatest((SELECT f.ends_on FROM cultuur.framework f WHERE f.service = OLD.service),
                 (SELECT max(e.ends_on) FROM cultuur.framework_extension e
                   WHERE e.service = OLD.service AND e.seq < OLD.seq)));
    RETURN OLD;
END;
$$;
COMMENT ON FUNCTION cultuur.framework_extension_guard() IS 'Trigger: framework extensions are never changed, are removed from the last one backwards, and not below the end of a member contract (CC009).';
CREATE TRIGGER framework_extension_guard BEFORE UPDATE OR DELETE ON cultuur.framework_extension
    FOR EACH ROW EXECUTE FUNCTION cultuur.framework_extension_guard();
COMMENT ON TRIGGER framework_extension_guard ON cultuur.framework_extension IS 'Framework extensions are never changed and are removed from the last one backwards, never below a member contract''s end (CC010, CC009).';
