-- ---------------------------------------------------------------------
-- Layer 5, API: balances, overdue invoices and lifting a suspension
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

CREATE VIEW cultuur.invoice_balance AS
SELECT i.id AS invoice_id, i.number, i.library_id, i.contract_id, i.kind, i.period,
       i.issued_on, i.due_on, i.total,
       coalesce(p.paid, 0.00)::cultuur.amount AS paid,
       coalesce(cn.credited, 0.00)::cultuur.amount AS credited,
       (i.total - coalesce(p.paid, 0.00) - coalesce(cn.credited, 0.00))::cultuur.amount AS outstanding
  FROM cultuur.invoice i
  LEFT JOIN (SELECT invoice_id, pg_catalog.sum(amount) AS paid FROM cultuur.payment GROUP BY invoice_id) p
         ON p.invoice_id = i.id
  LEFT JOIN (SELECT credit_for, -pg_catalog.sum(total) AS credited FROM cultuur.invoice
              WHERE kind = 'credit_note' GROUP BY credit_for) cn
         ON cn.credit_for = i.id
 WHERE i.kind <> 'credit_note';
COMMENT ON VIEW cultuur.invoice_balance IS 'Per invoice (a supplementary invoice is one of its own): total, paid, credited (its credit notes, of finance or of a run''s corrections) and outstanding (negative: to be refunded).';

-- Whether an early termination is confirmed (E 10.4: by the payment of its
-- exit-fee invoice): every termination with who gave notice, its exit fee,
-- the invoice and what is still open.
CREATE VIEW cultuur.termination_status AS
SELECT t.contract_id, c.library_id, c.service, t.given_by, t.notified_on, t.effective_end, t.reason,
       t.exit_fee, t.exit_fee_note, b.number AS exit_fee_invoice, b.outstanding,
       CASE WHEN t.exit_fee = 0 THEN 'no exit fee'
            WHEN b.invoice_id IS NULL THEN 'exit fee not invoiced yet'
            WHEN b.outstanding > 0 THEN 'exit fee invoiced, not paid'
            ELSE 'confirmed: exit fee settled' END AS status,
       (t.exit_fee = 0 OR coalesce(b.outstanding <= 0, false)) AS confirmed
  FROM cultuur.termination t
  JOIN cultuur.contract c ON c.id = t.contract_id
  LEFT JOIN cultuur.invoice_balance b ON b.contract_id = t.contract_id AND b.kind = 'exit_fee';
COMMENT ON VIEW cultuur.termination_status IS 'Every termination: who gave notice (subscriber or consortium), the effective end, the exit fee, its invoice and what is open, and whether the termination is confirmed (E 10.4: an early termination by the subscriber is confirmed when its exit-fee invoice is settled; one without exit fee is confirmed at once). The contract is billed until its effective end either way.';

CREATE FUNCTION cultuur.overdue(as_of date DEFAULT current_date)
    RETURNS TABLE (invoice_id integer, number text, library_id integer, due_on date,
                   outstanding cultuur.amount, days_overdue integer, formal_notice_on date,
                   eligible_for_suspension boolean, suspended_since date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('as_of', $1);
SELECT b.invoice_id, b.number, b.library_id, b.due_on,
       o.outstanding::cultuur.amount,
       $1 - b.due_on,
       fn.sent_on,
       $1 - b.due_on > 30 AND fn.sent_on IS NOT NULL,
       (SELECT s.starts_on FROM cultuur.suspension s
         WHERE s.invoice_id = b.invoice_id AND s.starts_on <= $1
           AND (s.lifted_on IS NULL OR s.lifted_on > $1)
         ORDER BY s.starts_on DESC LIMIT 1)
  FROM cultuur.invoice_balance b
  -- outstanding as of the date: what was paid and credited by then (later
  -- payments and credit notes do not count yet)
  CROSS JOIN LATERAL (
      SELECT b.total
             - coalesce((SELECT sum(p.amount) FROM cultuur.payment p
                          WHERE p.invoice_id = b.invoice_id AND p.paid_on <= $1), 0)
             + coalesce((SELECT sum(cn.total) FROM cultuur.invoice cn
                          WHERE cn.credit_for = b.invoice_id AND cn.issued_on <= $1), 0)
             AS outstanding) o
  LEFT JOIN LATERAL (SELECT max(f.sent_on) AS sent_on FROM cultuur.formal_notice f
                      WHERE f.invoice_id = b.invoice_id AND f.sent_on <= $1) fn ON true
 WHERE b.due_on < $1
   AND o.outstanding > 0
 ORDER BY b.due_on, b.invoice_id
$$;
COMMENT ON FUNCTION cultuur.overdue(date) IS 'Invoices unpaid after their due date as of a date: outstanding amount, days overdue, the formal notice, whether the library may be suspended (more than 30 days overdue and a formal notice sent, E 8.7, F 8.4) and since when it is.';

-- Finance may end a suspension before the invoice is settled (a payment
-- plan, a disputed amount): an explicit decision, recorded with who took
-- it and why.  Nobody can update a suspension directly.
CREATE FUNCTION cultuur.lift_suspension(suspension_id integer, lifted_on date, reason text)
    RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    susp  cultuur.suspension;
BEGIN
    IF lifted_on IS NULL OR NOT isfinite(lifted_on) THEN
        RAISE EXCEPTION 'lifted_on must be a finite date, not %', coalesce(lifted_on::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'lifting a suspension needs a reason'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Say why the suspension ends before the invoice is paid (it is kept with the suspension).';
    END IF;
    SELECT * INTO susp FROM cultuur.suspension s WHERE s.id = $1;
    IF FOUND THEN
        -- serialise with payments and credit notes of the invoice (as they
        -- do, through its contract's lock), then read the row again
        PERFORM cultuur.contract_lock(i.contract_id) FROM cultuur.invoice i WHERE i.id = susp.invoice_id;
        SELECT * INTO susp FROM cultuur.suspension s WHERE s.id = $1;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'suspension % does not exist', $1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF susp.lifted_on IS NOT NULL THEN
        RAISE EXCEPTION 'suspension % was lifted already on % (%)', $1, susp.lifted_on, susp.lift_reason
            USING ERRCODE = 'CC012';
    END IF;
    IF $2 < susp.starts_on OR $2 > cultuur.today() THEN
        RAISE EXCEPTION 'suspension % cannot be lifted on %', $1, $2
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It started on %s; today is %s.', susp.starts_on, cultuur.today()),
                  HINT = format('Lift it on a day from %s to %s.', susp.starts_on, cultuur.today());
    END IF;
    UPDATE cultuur.suspension s
       SET lifted_on = $2, lifted_by = session_user, lift_reason = btrim($3)
     WHERE s.id = $1;
END;
$$;
COMMENT ON FUNCTION cultuur.lift_suspension(integer, date, text) IS 'Finance''s decision to end a suspension before its invoice is settled: lifted on a day from its start to today, with a reason; records who lifted it. (A payment or credit note that settles the invoice lifts it by itself.)';
