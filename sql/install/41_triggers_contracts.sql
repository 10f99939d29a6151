-- ---------------------------------------------------------------------
-- Layer 4, triggers: contracts, renewals, terminations and price changes
-- (doc/rules.md §5-7), each an adapter over the rules of
-- 32_rules_contracts.sql.
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.contract_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- serialise with the renewals and terminations of this contract
        PERFORM cultuur.contract_lock(OLD.id);
        IF (NEW.library_id, NEW.service, NEW.starts_on, NEW.initial_end)
           IS DISTINCT FROM (OLD.library_id, OLD.service, OLD.starts_on, OLD.initial_end) THEN
            PERFORM cultuur.refuse_contract_change(OLD.id);
        END IF;
    END IF;
    NEW.initial_end := cultuur.contract_initial_end(NEW.library_id, NEW.service, NEW.starts_on, NEW.initial_end, NEW.signed_on);
    -- active: from the start to the recorded end (open while renewing tacitly)
    NEW.active := daterange(NEW.starts_on,
                            cultuur.recorded_end(NEW.id,
                                                 (SELECT sv.renewal FROM cultuur.service sv WHERE sv.code = NEW.service),
                                                 NEW.initial_end) + 1);
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_check() IS 'Trigger on contract: checks and fills the initial term (contract_initial_end), keeps library, service and terms fixed under renewals and a termination (refuse_contract_change), and keeps active in step with them (recorded_end).';
CREATE TRIGGER contract_check BEFORE INSERT OR UPDATE ON cultuur.contract
    FOR EACH ROW EXECUTE FUNCTION cultuur.contract_check();
COMMENT ON TRIGGER contract_check ON cultuur.contract IS 'The initial term and the days in force of a contract (doc/rules.md §7).';

CREATE FUNCTION cultuur.renewal_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'renewal % of contract % cannot be changed', OLD.seq, OLD.contract_id
            USING ERRCODE = 'CC010', HINT = 'Delete the last renewal and enter it again.';
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cultuur.contract_lock(OLD.contract_id);
        PERFORM cultuur.refuse_renewal_removal(OLD.contract_id, OLD.seq);
        RETURN OLD;
    END IF;
    r := cultuur.renewal_placement(NEW.contract_id, NEW.agreed_on, NEW.ends_on);
    NEW.seq := r.seq;
    NEW.starts_on := r.starts_on;
    NEW.ends_on := r.ends_on;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.renewal_check() IS 'Trigger on renewal: places a new renewal (renewal_placement), refuses changes (CC010) and removals other than of the last one (refuse_renewal_removal).';
CREATE TRIGGER renewal_check BEFORE INSERT OR UPDATE OR DELETE ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.renewal_check();
COMMENT ON TRIGGER renewal_check ON cultuur.renewal IS 'Renewals by agreement (doc/rules.md §7, F 10.2).';

CREATE FUNCTION cultuur.termination_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    given_end date;
    given_fee numeric;
    q         record;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the termination of contract % cannot be changed', OLD.contract_id
            USING ERRCODE = 'CC010', HINT = 'Delete it and enter the new notice.';
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cultuur.contract_lock(OLD.contract_id);
        PERFORM cultuur.refuse_invoiced_exit_fee(OLD.contract_id);
        RETURN OLD;
    END IF;
    given_end := NEW.effective_end;
    given_fee := NEW.exit_fee;
    NEW.effective_end := cultuur.termination_end(NEW.contract_id, NEW.notified_on, NEW.requested_end);
    SELECT * INTO q FROM cultuur.termination_exit_fee(NEW.contract_id, NEW.effective_end, NEW.reason,
                                                      NEW.notified_on, NEW.given_by);
    -- effective_end and exit_fee are computed; values given with the row
    -- (a dump being restored, say) must agree with what the rules give now
    IF (given_end IS NOT NULL AND given_end <> NEW.effective_end)
       OR (given_fee IS NOT NULL AND given_fee <> q.exit_fee) THEN
        RAISE EXCEPTION 'termination of contract %: the given effective end % and exit fee % differ from what the rules give now (% and %)',
                NEW.contract_id, given_end, given_fee, NEW.effective_end, q.exit_fee
            USING ERRCODE = 'CC010',
                  HINT = 'Leave effective_end and exit_fee empty: they are computed (a dump restored with pg_restore or psql keeps them as dumped).';
    END IF;
    NEW.exit_fee := q.exit_fee;
    NEW.exit_fee_note := q.note;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.termination_check() IS 'Trigger on termination: computes the effective end (termination_end) and the exit fee (termination_exit_fee) of a new notice, refuses values given that differ from them and any change (CC010), and its removal while its exit-fee invoice is open (refuse_invoiced_exit_fee).';
CREATE TRIGGER termination_check BEFORE INSERT OR UPDATE OR DELETE ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.termination_check();
COMMENT ON TRIGGER termination_check ON cultuur.termination IS 'Notice, end and exit fee of a termination (doc/rules.md §6, §7; E 10.2-10.4).';

-- after a renewal or termination (or its deletion) recompute contract.active
CREATE FUNCTION cultuur.contract_refresh() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    UPDATE cultuur.contract SET active = active
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.contract_id ELSE NEW.contract_id END;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_refresh() IS 'Trigger: recomputes contract.active after a renewal or termination is added or removed (the exclusion constraint then re-checks it).';
CREATE TRIGGER renewal_refresh AFTER INSERT OR DELETE ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.contract_refresh();
COMMENT ON TRIGGER renewal_refresh ON cultuur.renewal IS 'Recomputes the contract''s days in force after a renewal is added or removed.';
CREATE TRIGGER termination_refresh AFTER INSERT OR DELETE ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.contract_refresh();
COMMENT ON TRIGGER termination_refresh ON cultuur.termination IS 'Recomputes the contract''s days in force after a termination is added or removed.';

CREATE FUNCTION cultuur.price_change_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'price change % cannot be changed or deleted', OLD.id
            USING ERRCODE = 'CC010', HINT = 'Record a new price change instead.';
    END IF;
    PERFORM cultuur.price_change_dates(NEW.service, NEW.notified_on, NEW.effective_on);
    NEW.tariff_id := cultuur.split_tariff(NEW.service, NEW.effective_on, NEW.fixed_fee, NEW.tiers, NEW.tariff_id);
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.price_change_check() IS 'Trigger on price_change: checks its dates (price_change_dates) and splits the tariff (split_tariff); refuses changes and deletions (CC010).';
CREATE TRIGGER price_change_check BEFORE INSERT OR UPDATE OR DELETE ON cultuur.price_change
    FOR EACH ROW EXECUTE FUNCTION cultuur.price_change_check();
COMMENT ON TRIGGER price_change_check ON cultuur.price_change IS 'A price change takes effect on 1 January, notified by 31 July before, and splits the tariff (CC007; E 8.9).';
