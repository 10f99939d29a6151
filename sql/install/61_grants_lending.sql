-- ---------------------------------------------------------------------
-- Access control for e-book lending (doc/rules.md §10-§12).
--
--   cultuur_reporting   titles, licences, title_availability (no member,
--                       loan or reservation: those are the members' usage,
--                       which libraries never see, Bijlage B)
--   cultuur_data_entry  members; titles and licences; the front door
--                       (borrow, give_back, reserve, cancel_reservation,
--                       queue_position, expire_due) and direct inserts
--                       into loan and reservation, which obey the same
--                       rules
--   cultuur_finance     the lending policy (offer days); titles and
--                       licences the consortium buys
--
-- Nobody reads or writes the pseudonym key, nor updates a loan, a
-- reservation or a licence's checkouts: the engine does.
-- ---------------------------------------------------------------------

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = 'cultuur'::pg_catalog.regnamespace AND p.prosecdef LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END;
$$;
-- the engine's parts, called by the owner-run triggers and front doors
REVOKE ALL ON FUNCTION cultuur.lending_pseudonym(bytea, bigint),
                       cultuur.lending_new_key(),
                       cultuur.lending_lock_member(integer),
                       cultuur.lending_lock_title(integer),
                       cultuur.lending_library_barrier(integer),
                       cultuur.title_capacity(integer, timestamptz),
                       cultuur.title_offers(integer, timestamptz),
                       cultuur.title_can_lend_again(integer, timestamptz),
                       cultuur.licence_for_loan(integer, timestamptz, integer),
                       cultuur.licence_free_slot(integer),
                       cultuur.queue_place(integer, integer),
                       cultuur.lending_member_check(integer, timestamptz),
                       cultuur.lending_usage(integer, integer, text, timestamptz),
                       cultuur.lending_settle(integer, timestamptz)
  FROM PUBLIC;

GRANT SELECT ON cultuur.title, cultuur.licence, cultuur.title_availability, cultuur.lending_policy
   TO cultuur_reporting;

GRANT SELECT, INSERT, DELETE ON cultuur.member TO cultuur_data_entry;
GRANT UPDATE (card_number, membership_until, has_profile, email_notifications) ON cultuur.member TO cultuur_data_entry;
GRANT INSERT, UPDATE (name, kind, isbn) ON cultuur.title TO cultuur_data_entry, cultuur_finance;
GRANT INSERT ON cultuur.licence TO cultuur_data_entry, cultuur_finance;
GRANT INSERT (member_id, title_id, licence_id, due_at) ON cultuur.loan TO cultuur_data_entry;
GRANT INSERT (member_id, title_id) ON cultuur.reservation TO cultuur_data_entry;
GRANT USAGE ON SEQUENCE cultuur.member_id_seq, cultuur.title_id_seq, cultuur.licence_id_seq,
                        cultuur.loan_id_seq, cultuur.reservation_id_seq
   TO cultuur_data_entry;
GRANT USAGE ON SEQUENCE cultuur.title_id_seq, cultuur.licence_id_seq TO cultuur_finance;
GRANT EXECUTE ON FUNCTION cultuur.borrow(integer, integer, integer),
                          cultuur.give_back(bigint),
                          cultuur.reserve(integer, integer),
                          cultuur.cancel_reservation(bigint),
                          cultuur.queue_position(integer, integer),
                          cultuur.expire_due(timestamptz)
   TO cultuur_data_entry;
GRANT INSERT, UPDATE (offer_days) ON cultuur.lending_policy TO cultuur_finance;
