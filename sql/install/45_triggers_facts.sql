-- ---------------------------------------------------------------------
-- Layer 4, triggers: facts that issued invoices used.
--
-- Facts that issued invoices used are never changed in place (E 8.9 for
-- prices; an issued invoice is never changed, corrections are credit
-- notes).  A tariff, a population count, an index value or a contract
-- column that an issued invoice (or a recorded exit fee) was computed
-- from cannot be updated or deleted: the refusal names the invoice and
-- says what to do instead.  Facts nothing was billed from yet stay free
-- to correct.
--
-- Project SQLSTATE CC010 (recorded facts cannot be changed).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.tariff_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    changed daterange;      -- the days whose price this change alters
    used    text;
BEGIN
    PERFORM cultuur.invoicing_barrier();
    IF TG_OP = 'DELETE'
       OR (NEW.service, NEW.fixed_fee, lower(NEW.valid)) IS DISTINCT FROM (OLD.service, OLD.fixed_fee, lower(OLD.valid))
       OR NOT (NEW.tiers OPERATOR(cultuur.=) OLD.tiers) THEN
        changed := OLD.valid;
    ELSIF upper_inf(OLD.valid) AND NOT upper_inf(NEW.valid) OR upper(NEW.valid) < upper(OLD.valid) THEN
        -- shortened (a price change splits it): only the days it loses
        changed := daterange(upper(NEW.valid), upper(OLD.valid));
    ELSE
        changed := 'empty';
    END IF;
    SELECT 'issued invoice ' || i.number INTO used
      FROM cultuur.invoice i JOIN cultuur.contract c ON c.id = i.contract_id
     WHERE c.service = OLD.service AND i.kind <> 'credit_note' AND i.period && changed
     ORDER BY i.id LIMIT 1;
    -- a correction entered as such (tariff_correction, this transaction)
    -- changes the prices anyway: the next run corrects the invoices
    IF TG_OP = 'UPDATE' AND (NEW.service, NEW.valid, NEW.exit_rates) IS NOT DISTINCT FROM (OLD.service, OLD.valid, OLD.exit_rates)
       AND cultuur.tariff_corrected(OLD.id, NEW.fixed_fee, NEW.tiers) THEN
        used := NULL;
    END IF;
    PERFORM cultuur.refuse_recorded_change(format('tariff %s of service "%s"', OLD.id, OLD.service), used,
        'Record a price change for a coming 1 January (cultuur.price_change, E 8.9); a tariff entered wrongly is corrected as a correction (cultuur.tariff_correction).');
    -- the exit-fee rates of contracts that started under it
    IF TG_OP = 'DELETE' OR NEW.exit_rates IS DISTINCT FROM OLD.exit_rates THEN
        SELECT 'the exit fee of contract ' || t.contract_id INTO used
          FROM cultuur.termination t JOIN cultuur.contract c ON c.id = t.contract_id
         WHERE c.service = OLD.service AND OLD.valid @> c.starts_on AND t.exit_fee > 0
         ORDER BY t.contract_id LIMIT 1;
        PERFORM cultuur.refuse_recorded_change(
            format('the exit-fee rates of tariff %s of service "%s"', OLD.id, OLD.service), used,
            'Rates for contracts that start later belong in a new tariff (cultuur.price_change).');
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.tariff_guard() IS 'Trigger: a tariff row cannot be changed or deleted for days that an issued invoice billed (CC010, naming the invoice), nor its exit-fee rates once a termination charged an exit fee from them; prices change through cultuur.price_change, a tariff entered wrongly is corrected through cultuur.tariff_correction.';
CREATE TRIGGER tariff_guard BEFORE UPDATE OR DELETE ON cultuur.tariff
    FOR EACH ROW EXECUTE FUNCTION cultuur.tariff_guard();
COMMENT ON TRIGGER tariff_guard ON cultuur.tariff IS 'A tariff is not changed for days an issued invoice billed, nor its exit-fee rates once an exit fee was charged from them (CC010; E 8.9).';

CREATE FUNCTION cultuur.population_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    -- the count of 1 January Y is the basis of the fees of year Y + 1 (E 8.1)
    billed  daterange := daterange(make_date(OLD.year + 1, 1, 1), make_date(OLD.year + 2, 1, 1));
    what    text := format('the population of library %s on 1 January %s', OLD.library_id, OLD.year);
    used    text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    PERFORM cultuur.invoicing_barrier();
    -- its library's per-inhabitant invoices of that year, and those of
    -- every library whose consortium tier volume it was part of; a
    -- correction entered as such (population_correction, this
    -- transaction) changes it anyway: the next run corrects them
    SELECT 'issued invoice ' || i.number INTO used
      FROM cultuur.invoice i
      JOIN cultuur.contract c ON c.id = i.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.price_model = 'per_inhabitant'
     WHERE i.kind <> 'credit_note' AND i.period && billed
       AND (c.library_id = OLD.library_id
            OR EXISTS (SELECT 1 FROM cultuur.contract o
                        WHERE o.library_id = OLD.library_id AND o.service = c.service
                          AND o.active && billed))
     ORDER BY c.library_id <> OLD.library_id, i.id LIMIT 1;
    IF TG_OP = 'UPDATE' AND NEW.year = OLD.year AND NEW.library_id = OLD.library_id
       AND cultuur.population_corrected(OLD.library_id, OLD.year, NEW.inhabitants) THEN
        used := NULL;
    END IF;
    PERFORM cultuur.refuse_recorded_change(what, used,
        'Enter a corrected count as a correction (cultuur.population_correction, with its reason): the next invoicing run corrects the invoices.');
    -- an exit fee computed from it: the latest count on or before the exit year
    SELECT 'the exit fee of contract ' || t.contract_id INTO used
      FROM cultuur.termination t JOIN cultuur.contract c ON c.id = t.contract_id
     WHERE c.library_id = OLD.library_id AND t.exit_fee > 0
       AND OLD.year = (SELECT max(p.year) FROM cultuur.population p
                        WHERE p.library_id = OLD.library_id
                          AND p.year <= extract(year FROM t.effective_end))
     ORDER BY t.contract_id LIMIT 1;
    PERFORM cultuur.refuse_recorded_change(what, used,
        'Delete and re-enter the termination to recompute its exit fee first.');
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.population_guard() IS 'Trigger: a count of inhabitants cannot be changed or deleted once an issued invoice (its library''s, or one whose consortium tier volume included it) or a recorded exit fee was computed from it (CC010), except by a correction (population_correction) for the invoices.';
CREATE TRIGGER population_guard BEFORE UPDATE OR DELETE ON cultuur.population
    FOR EACH ROW EXECUTE FUNCTION cultuur.population_guard();
COMMENT ON TRIGGER population_guard ON cultuur.population IS 'A count of inhabitants an issued invoice or a recorded exit fee used is not changed (CC010; E 8.1).';

CREATE FUNCTION cultuur.price_index_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    y     integer := extract(year FROM OLD.month)::integer;
    what  text := format('the %s index of %s (base %s)', OLD.series, to_char(OLD.month, 'YYYY-MM'), OLD.base);
    used  text;
BEGIN
    -- fees index with the January values on base 2013 (E 8.8, F 8.5): the
    -- January of the start year (base) and of the billed year
    IF OLD.base <> cultuur.index_base() OR extract(month FROM OLD.month) <> 1
       OR TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    PERFORM cultuur.invoicing_barrier();
    SELECT 'issued invoice ' || i.number INTO used
      FROM cultuur.invoice i
      JOIN cultuur.contract c ON c.id = i.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.index_series = OLD.series
     WHERE i.kind <> 'credit_note'
       -- the year billed, the start year (the base), and for film the year
       -- after (a renewal term of at most a year started in y, F 8.5)
       AND (extract(year FROM lower(i.period)) = y OR extract(year FROM c.starts_on) = y
            OR (s.renewal = 'agreement' AND extract(year FROM lower(i.period)) = y + 1))
       AND EXISTS (SELECT 1 FROM cultuur.invoice_line l
                    WHERE l.invoice_id = i.id AND l.new_index IS NOT NULL)
     ORDER BY i.id LIMIT 1;
    -- a correction entered as such (price_index_correction, this
    -- transaction) changes it anyway: the next run corrects the invoices
    IF TG_OP = 'UPDATE' AND (NEW.series, NEW.month, NEW.base) = (OLD.series, OLD.month, OLD.base)
       AND cultuur.price_index_corrected(OLD.series, OLD.month, OLD.base, NEW.value) THEN
        used := NULL;
    END IF;
    PERFORM cultuur.refuse_recorded_change(what, used,
        'Enter a revised value as a correction (cultuur.price_index_correction, with its reason): the next invoicing run corrects the invoices.');
    SELECT 'the exit fee of contract ' || t.contract_id INTO used
      FROM cultuur.termination t
      JOIN cultuur.contract c ON c.id = t.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.index_series = OLD.series
     WHERE t.exit_fee > 0 AND t.exit_fee_note LIKE '%; indexed %'
       AND (extract(year FROM c.starts_on) = y OR extract(year FROM t.effective_end) = y)
     ORDER BY t.contract_id LIMIT 1;
    PERFORM cultuur.refuse_recorded_change(what, used, 'Published index values are final.');
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.price_index_guard() IS 'Trigger: a January index value on base 2013 cannot be changed or deleted once an issued invoice or a recorded exit fee was indexed with it (CC010), except by a correction (price_index_correction) for the invoices.';
CREATE TRIGGER price_index_guard BEFORE UPDATE OR DELETE ON cultuur.price_index
    FOR EACH ROW EXECUTE FUNCTION cultuur.price_index_guard();
COMMENT ON TRIGGER price_index_guard ON cultuur.price_index IS 'A January index value an issued invoice or a recorded exit fee was indexed with is not changed (CC010; E 8.8, F 8.5).';

CREATE FUNCTION cultuur.contract_invoiced_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM cultuur.invoicing_barrier();
    PERFORM cultuur.refuse_recorded_change(
        format('the library, service, dates, basis share, pro-rata rule or indexation of contract %s', OLD.id),
        (SELECT 'issued invoice ' || i.number FROM cultuur.invoice i
          WHERE i.contract_id = OLD.id AND i.kind <> 'credit_note' ORDER BY i.id LIMIT 1),
        'Credit the invoices (cultuur.credit_note) and end the contract with a termination, or enter a new contract from a later date.');
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_invoiced_guard() IS 'Trigger: the columns a contract''s fee depends on cannot change once it has an issued invoice (CC010).';
CREATE TRIGGER contract_invoiced_guard BEFORE UPDATE ON cultuur.contract
    FOR EACH ROW
    WHEN ((OLD.library_id, OLD.service, OLD.signed_on, OLD.starts_on, OLD.initial_end,
           OLD.basis_pct, OLD.prorata_rule, OLD.index_from)
          IS DISTINCT FROM
          (NEW.library_id, NEW.service, NEW.signed_on, NEW.starts_on, NEW.initial_end,
           NEW.basis_pct, NEW.prorata_rule, NEW.index_from))
    EXECUTE FUNCTION cultuur.contract_invoiced_guard();
COMMENT ON TRIGGER contract_invoiced_guard ON cultuur.contract IS 'A contract''s fee columns (basis share, pro-rata rule, index_from) cannot change for years an issued invoice billed (CC010; doc/rules.md §9).';

-- Facts entered after their months may have been invoiced: a reach-cap
-- hold (its months), a termination or a renewal (from 1 January of the
-- year it changes: a per-inhabitant lot's consortium tier counts the
-- libraries in force that year), a contract (from 1 January of its start
-- year, for the same reason).  Noted for the next invoicing run, which
-- issues the difference (doc/rules.md §9).
CREATE FUNCTION cultuur.fact_recheck() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r          jsonb;
    svc        text;
    from_month date;
    to_month   date;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    -- the row as jsonb: one trigger function for four tables
    IF TG_OP = 'DELETE' THEN
        r := to_jsonb(OLD);
    ELSE
        r := to_jsonb(NEW);
    END IF;
    IF TG_TABLE_NAME = 'contract' THEN
        svc := r->>'service';
    ELSE
        SELECT c.service INTO svc FROM cultuur.contract c WHERE c.id = (r->>'contract_id')::integer;
    END IF;
    from_month := CASE TG_TABLE_NAME
                      WHEN 'reach_hold' THEN (r->>'starts_on')::date
                      WHEN 'termination' THEN date_trunc('year', (r->>'effective_end')::date)::date
                      ELSE date_trunc('year', (r->>'starts_on')::date)::date END;
    to_month := CASE WHEN TG_TABLE_NAME = 'reach_hold' THEN (r->>'ends_on')::date ELSE cultuur.today() END;
    IF svc IS NOT NULL THEN
        PERFORM cultuur.note_recheck(svc, from_month, to_month,
                                     CASE TG_TABLE_NAME WHEN 'reach_hold' THEN 'hold' ELSE TG_TABLE_NAME END);
        -- the days a library's film starts count changed: count them again
        -- (a contract from its start, a renewal from its start, a
        -- termination from its end)
        IF TG_TABLE_NAME <> 'reach_hold'
           AND (SELECT s.kind FROM cultuur.service s WHERE s.code = svc) = 'film' THEN
            PERFORM cultuur.recount_usage(
                CASE WHEN TG_TABLE_NAME = 'contract' THEN (r->>'library_id')::integer
                     ELSE (SELECT c.library_id FROM cultuur.contract c WHERE c.id = (r->>'contract_id')::integer) END,
                svc,
                CASE TG_TABLE_NAME WHEN 'termination' THEN (r->>'effective_end')::date
                                   ELSE (r->>'starts_on')::date END);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.fact_recheck() IS 'Trigger: notes the months a hold, termination, renewal or new contract may change in invoices already issued (note_recheck), for the next invoicing run to correct; for a film lot, counts the library''s usage again from the day participation changed (recount_usage).';
CREATE TRIGGER invoice_recheck AFTER INSERT OR DELETE ON cultuur.reach_hold
    FOR EACH ROW EXECUTE FUNCTION cultuur.fact_recheck();
COMMENT ON TRIGGER invoice_recheck ON cultuur.reach_hold IS 'A hold entered or removed after its months were invoiced is corrected by the next run (doc/rules.md §9).';
CREATE TRIGGER invoice_recheck AFTER INSERT OR DELETE ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.fact_recheck();
COMMENT ON TRIGGER invoice_recheck ON cultuur.termination IS 'A termination entered or removed after periods it changes were invoiced is corrected by the next run (doc/rules.md §9).';
CREATE TRIGGER invoice_recheck AFTER INSERT OR DELETE ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.fact_recheck();
COMMENT ON TRIGGER invoice_recheck ON cultuur.renewal IS 'A renewal entered or removed after periods it changes were invoiced is corrected by the next run (doc/rules.md §9).';
CREATE TRIGGER invoice_recheck AFTER INSERT ON cultuur.contract
    FOR EACH ROW EXECUTE FUNCTION cultuur.fact_recheck();
COMMENT ON TRIGGER invoice_recheck ON cultuur.contract IS 'A contract entered after the months of its start year were invoiced changes the consortium tier of its lot: corrected by the next run (doc/rules.md §9).';

-- A corrected count (doc/rules.md §9): the correction row records the old
-- value and who made it, then changes the count (which population_guard
-- lets it do) and notes the year its fees are billed in, for every lot
-- billed per inhabitant (the count is part of each lot's tier volume).
CREATE FUNCTION cultuur.population_correction_apply() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    svc text;
BEGIN
    IF cultuur.restoring() THEN
        RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW ELSE NULL END;
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        SELECT p.inhabitants INTO NEW.previous FROM cultuur.population p
         WHERE p.library_id = NEW.library_id AND p.year = NEW.year FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'library % has no count of 1 January % to correct', NEW.library_id, NEW.year
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Enter a count that was never entered in cultuur.population.';
        ELSIF NEW.previous = NEW.inhabitants THEN
            RAISE EXCEPTION 'library %: the count of 1 January % is % already', NEW.library_id, NEW.year, NEW.inhabitants
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.entered_by := session_user::text;
        NEW.entered_at := now();
        RETURN NEW;
    END IF;
    UPDATE cultuur.population p SET inhabitants = NEW.inhabitants
     WHERE p.library_id = NEW.library_id AND p.year = NEW.year;
    FOR svc IN SELECT s.code FROM cultuur.service s WHERE s.price_model = 'per_inhabitant' ORDER BY s.code LOOP
        PERFORM cultuur.note_recheck(svc, make_date(NEW.year + 1, 1, 1), make_date(NEW.year + 1, 12, 1), 'population');
    END LOOP;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.population_correction_apply() IS 'Trigger on population_correction: before, records the count it replaces, who and when; after, changes the count and notes the fees of the next year of every lot billed per inhabitant for the next invoicing run.';
CREATE TRIGGER population_correction_record BEFORE INSERT ON cultuur.population_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.population_correction_apply();
COMMENT ON TRIGGER population_correction_record ON cultuur.population_correction IS 'Records the count a correction replaces, who made it and when.';
CREATE TRIGGER population_correction_apply AFTER INSERT ON cultuur.population_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.population_correction_apply();
COMMENT ON TRIGGER population_correction_apply ON cultuur.population_correction IS 'Changes the count and notes its invoices for correction (doc/rules.md §9).';

-- A corrected index value (doc/rules.md §9), as population_correction_apply:
-- the old value, who and when recorded; the value changed; every lot
-- indexed with that series noted from January of its year (fees billed
-- that year, and those of contracts that started that year: their base).
CREATE FUNCTION cultuur.price_index_correction_apply() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    svc text;
BEGIN
    IF cultuur.restoring() THEN
        RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW ELSE NULL END;
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        SELECT p.value INTO NEW.previous FROM cultuur.price_index p
         WHERE p.series = NEW.series AND p.month = NEW.month AND p.base = NEW.base FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no % index of % (base %) to correct', NEW.series, to_char(NEW.month, 'YYYY-MM'), NEW.base
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Load a value never loaded into cultuur.price_index.';
        ELSIF NEW.previous = NEW.value THEN
            RAISE EXCEPTION 'the % index of % (base %) is % already', NEW.series, to_char(NEW.month, 'YYYY-MM'),
                    NEW.base, NEW.value
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.entered_by := session_user::text;
        NEW.entered_at := now();
        RETURN NEW;
    END IF;
    UPDATE cultuur.price_index p SET value = NEW.value
     WHERE p.series = NEW.series AND p.month = NEW.month AND p.base = NEW.base;
    FOR svc IN SELECT s.code FROM cultuur.service s WHERE s.index_series = NEW.series ORDER BY s.code LOOP
        PERFORM cultuur.note_recheck(svc, date_trunc('year', NEW.month)::date, cultuur.today(), 'index');
    END LOOP;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.price_index_correction_apply() IS 'Trigger on price_index_correction: before, records the value it replaces, who and when; after, changes the value and notes every lot indexed with the series, from January of its year, for the next invoicing run.';
CREATE TRIGGER price_index_correction_record BEFORE INSERT ON cultuur.price_index_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.price_index_correction_apply();
COMMENT ON TRIGGER price_index_correction_record ON cultuur.price_index_correction IS 'Records the value a correction replaces, who made it and when.';
CREATE TRIGGER price_index_correction_apply AFTER INSERT ON cultuur.price_index_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.price_index_correction_apply();
COMMENT ON TRIGGER price_index_correction_apply ON cultuur.price_index_correction IS 'Changes the value and notes its invoices for correction (doc/rules.md §9).';

-- A corrected tariff (doc/rules.md §9), as population_correction_apply:
-- the old prices, who and when recorded; the tariff changed; its service
-- noted for every month of the years it is valid in, up to today.
CREATE FUNCTION cultuur.tariff_correction_apply() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    t cultuur.tariff;
BEGIN
    IF cultuur.restoring() THEN
        RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW ELSE NULL END;
    END IF;
    SELECT * INTO t FROM cultuur.tariff tt WHERE tt.id = NEW.tariff_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tariff % does not exist', NEW.tariff_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        IF t.fixed_fee = NEW.fixed_fee AND t.tiers OPERATOR(cultuur.=) NEW.tiers THEN
            RAISE EXCEPTION 'tariff % has these prices already', NEW.tariff_id
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.previous_fixed_fee := t.fixed_fee;
        NEW.previous_tiers := t.tiers;
        NEW.entered_by := session_user::text;
        NEW.entered_at := now();
        RETURN NEW;
    END IF;
    UPDATE cultuur.tariff tt SET fixed_fee = NEW.fixed_fee, tiers = NEW.tiers WHERE tt.id = NEW.tariff_id;
    -- whole calendar years: a yearly fee per inhabitant is priced by the
    -- tariff in force on its first day, for all its quarters
    PERFORM cultuur.note_recheck(t.service, date_trunc('year', lower(t.valid))::date,
                                 coalesce(make_date(extract(year FROM upper(t.valid) - 1)::integer, 12, 1),
                                          cultuur.today()), 'tariff');
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.tariff_correction_apply() IS 'Trigger on tariff_correction: before, records the prices it replaces, who and when; after, changes the tariff and notes its service for every month of its validity, for the next invoicing run.';
CREATE TRIGGER tariff_correction_record BEFORE INSERT ON cultuur.tariff_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.tariff_correction_apply();
COMMENT ON TRIGGER tariff_correction_record ON cultuur.tariff_correction IS 'Records the prices a correction replaces, who made it and when.';
CREATE TRIGGER tariff_correction_apply AFTER INSERT ON cultuur.tariff_correction
    FOR EACH ROW EXECUTE FUNCTION cultuur.tariff_correction_apply();
COMMENT ON TRIGGER tariff_correction_apply ON cultuur.tariff_correction IS 'Changes the tariff and notes its invoices for correction (doc/rules.md §9).';
