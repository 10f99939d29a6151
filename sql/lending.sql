--
-- E-book lending (doc/rules.md §10, §11; E preamble): licences, not files.
-- A licence serves one reader per unit of concurrency; a member has at
-- most 2 loans and 2 reservations; a loan lasts at most 6 weeks (counted
-- on the Brussels calendar) and never outlasts its licence; only members
-- with a valid membership and a Mijn Bibliotheek profile, of a library
-- whose e-book contract is in force and not suspended, borrow; a freed
-- licence is offered to the first reader in the queue in the same
-- transaction.  Two invented libraries; output never shows a clock time
-- (the tests run on any day): only intervals and booleans.
--
\set VERBOSITY terse
\set SHOW_CONTEXT never
\pset null '(null)'
SET datestyle = ISO;
SET client_min_messages = warning;
SET TimeZone = 'America/New_York';

DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

INSERT INTO cultuur.library (id, name, nis_code) VALUES
    (1, 'Eekhout', '99301'), (2, 'Fortdorp', '99302'), (3, 'Zonderdorp', '99303');
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (1, 2024, 30000), (1, 2025, 30500), (2, 2024, 12000), (2, 2025, 12100);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks', daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}');
-- Zonderdorp (3) has no e-book contract
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end) VALUES
    (1, 1, 'ebooks', '2024-12-01', '2025-01-01', '2099-12-31'),
    (2, 2, 'ebooks', '2024-12-01', '2025-01-01', '2099-12-31');

INSERT INTO cultuur.member (id, library_id, card_number, membership_until, has_profile) VALUES
    (1, 1, 'EK-0001', '2199-12-31', true),
    (2, 1, 'EK-0002', '2199-12-31', true),
    (3, 1, 'EK-0003', '2199-12-31', true),
    (4, 2, 'FD-0001', '2199-12-31', true),
    (5, 2, 'FD-0002', '2199-12-31', true),
    (6, 1, 'EK-0006', '2020-06-30', true),     -- membership ended
    (7, 1, 'EK-0007', '2199-12-31', false),    -- no Mijn Bibliotheek profile
    (8, 3, 'ZD-0001', '2199-12-31', true);     -- library without a contract
SELECT setval('cultuur.member_id_seq', 8) IS NOT NULL AS ok;

INSERT INTO cultuur.title (id, name, kind) VALUES
    (1, 'De Avonden', 'ebook'),
    (2, 'Het Verdriet van België', 'ebook'),
    (3, 'Max Havelaar', 'audiobook'),
    (4, 'Tsjip', 'ebook'),
    (5, 'Het Achterhuis', 'ebook'),
    (6, 'Kaas', 'ebook'),
    (8, 'Wil', 'ebook');
SELECT setval('cultuur.title_id_seq', 8) IS NOT NULL AS ok;
-- 1: one perpetual licence; 2: a metered licence of 2 checkouts for 2
-- readers at a time; 3: audiobook, perpetual; 4: perpetual, for 2 readers;
-- 5: none yet; 6: one licence that expires in 10 days; 8: 20 readers
INSERT INTO cultuur.licence (id, title_id, concurrency, checkouts_total, valid_until) VALUES
    (1, 1, 1, NULL, NULL),
    (2, 2, 2, 2, NULL),
    (3, 3, 1, NULL, NULL),
    (4, 4, 2, NULL, NULL),
    (6, 6, 1, NULL, now() + interval '10 days'),
    (81, 8, 20, NULL, NULL);
SELECT setval('cultuur.licence_id_seq', 81) IS NOT NULL AS ok;

-- a new licence starts with all its checkouts, whatever is given
INSERT INTO cultuur.licence (title_id, checkouts_total, checkouts_left) VALUES (5, 3, 0) RETURNING checkouts_left;

--
-- 1. A loan: 6 weeks on the Brussels calendar, the usage action with a
-- pseudonym only.
SELECT loan_id, title_id, licence_id, due_at - started_at AS term, took_offer FROM cultuur.borrow(1, 1);
SELECT slot, ended, returned_at FROM cultuur.loan WHERE id = 1;
SELECT library_id, service, action, length(member_ref) AS ref_length,
       member_ref ~ '^[0-9a-f]{64}$' AS hex, position('EK' IN member_ref) = 0 AS no_card
  FROM cultuur.usage_event;
-- the pseudonym is the keyed hash of the member, under the database's own key
SELECT e.member_ref = cultuur.lending_pseudonym(k.key, 1) AS keyed_hash_of_member_1
  FROM cultuur.usage_event e, cultuur.lending_key k;
-- an audiobook loan, another member of another library, a shorter loan
SELECT title_id, due_at - started_at AS term FROM cultuur.borrow(4, 3, 14);
SELECT action, count(DISTINCT member_ref) AS members FROM cultuur.usage_event GROUP BY 1 ORDER BY 1;

--
-- 2. One reader per licence slot; the refusal says the queue.
SELECT * FROM cultuur.borrow(2, 1);
-- (the hint's time masked: the tests run on any day)
DO $$
DECLARE d text; h text; c text;
BEGIN
    PERFORM cultuur.borrow(2, 1);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RAISE WARNING '% / % / %', c, d, regexp_replace(h, '\d{4}-\d\d-\d\d \d\d:\d\d', 'YYYY-MM-DD HH:MI');
END $$;
-- a licence for 2 readers: two loans, slots 1 and 2, then full
SELECT loan_id IS NOT NULL AS lent FROM cultuur.borrow(1, 4);
SELECT loan_id IS NOT NULL AS lent FROM cultuur.borrow(2, 4);
SELECT slot FROM cultuur.loan WHERE title_id = 4 ORDER BY slot;
SELECT * FROM cultuur.borrow(3, 4);

--
-- 3. Member limits: 2 loans, a title once, 2 reservations, never a
-- reservation of a title the member reads, never of a free title.
SELECT * FROM cultuur.borrow(1, 3);                     -- member 1 has titles 1 and 4
SELECT * FROM cultuur.borrow(4, 3);                     -- member 4 reads title 3 already
SELECT * FROM cultuur.reserve(1, 1);                    -- reads it
SELECT * FROM cultuur.reserve(3, 3);                    -- the audiobook is lent: queued
SELECT * FROM cultuur.reserve(3, 3);                    -- in its queue already
SELECT * FROM cultuur.reserve(3, 2);                    -- title 2 is free
SELECT reservation_id, state, queue_position FROM cultuur.reserve(3, 1);
SELECT * FROM cultuur.reserve(3, 4);                    -- a third reservation
SELECT action, count(*) FROM cultuur.usage_event WHERE action::text LIKE '%reserved' GROUP BY 1 ORDER BY 1;

--
-- 4. Who may borrow: a valid membership, a profile, a library with an
-- e-book contract in force.
SELECT * FROM cultuur.borrow(6, 2);
SELECT * FROM cultuur.borrow(7, 2);
SELECT * FROM cultuur.borrow(8, 2);
SELECT * FROM cultuur.reserve(7, 1);
-- the same rules for a direct insert
INSERT INTO cultuur.loan (member_id, title_id) VALUES (6, 2);
INSERT INTO cultuur.loan (member_id, title_id) VALUES (1, 2);

--
-- 5. The queue of title 1: member 3 first, then members 2 and 5.
SELECT queue_position FROM cultuur.reserve(2, 1);
SELECT queue_position FROM cultuur.reserve(5, 1);
SELECT member_id, state, cultuur.queue_place(member_id, 1) AS place
  FROM cultuur.reservation WHERE title_id = 1 ORDER BY placed_at, id;
SELECT state, queue_position FROM cultuur.queue_position(5, 1);
-- an early return offers the licence to member 3 in the same transaction
BEGIN;
SELECT ended, offers_made FROM cultuur.give_back(1);
SELECT member_id, state, offer_expires_at - offered_at AS window FROM cultuur.reservation WHERE title_id = 1 ORDER BY id;
COMMIT;
-- the licence is kept for member 3: nobody else borrows it
SELECT * FROM cultuur.borrow(1, 1);
SELECT * FROM cultuur.borrow(2, 1);
SELECT state, queue_position, offer_expires_at IS NOT NULL AS offered FROM cultuur.queue_position(3, 1);
-- member 3 takes it
SELECT took_offer, due_at - started_at AS term FROM cultuur.borrow(3, 1);
SELECT member_id, state, loan_id IS NOT NULL AS has_loan, closed_at >= offered_at AS closed_in_offer
  FROM cultuur.reservation WHERE title_id = 1 ORDER BY id;
SELECT state, queue_position FROM cultuur.queue_position(2, 1);
-- a returned loan is history: never given back twice, changed or deleted
SELECT * FROM cultuur.give_back(1);
UPDATE cultuur.loan SET returned_at = now() WHERE id = 1;
UPDATE cultuur.loan SET due_at = due_at + interval '1 day' WHERE id = 2;
DELETE FROM cultuur.loan WHERE id = 1;
SELECT * FROM cultuur.give_back(99999);
SELECT * FROM cultuur.give_back(NULL);

--
-- 6. A declined offer passes on at once.
SELECT ended, offers_made FROM cultuur.give_back((SELECT id FROM cultuur.loan WHERE member_id = 3 AND title_id = 1 AND returned_at IS NULL));
SELECT member_id, state FROM cultuur.reservation WHERE title_id = 1 AND state IN ('queued', 'offered') ORDER BY id;
SELECT state FROM cultuur.cancel_reservation((SELECT id FROM cultuur.reservation WHERE member_id = 2 AND title_id = 1 AND state = 'offered'));
SELECT member_id, state FROM cultuur.reservation WHERE title_id = 1 AND state IN ('queued', 'offered') ORDER BY id;
SELECT * FROM cultuur.cancel_reservation((SELECT id FROM cultuur.reservation WHERE member_id = 2 AND title_id = 1));
-- a queued reservation leaves the queue
SELECT state FROM cultuur.cancel_reservation((SELECT id FROM cultuur.reservation WHERE member_id = 3 AND title_id = 3));
SELECT * FROM cultuur.cancel_reservation(99999);

--
-- 7. The life cycle, whatever the entry path (as the owner): offers only
-- in queue order while a licence is free, no expiry before its time, no
-- loaned state without the loan, no way back.
SELECT id AS offer_5 FROM cultuur.reservation WHERE member_id = 5 AND title_id = 1 AND state = 'offered' \gset
UPDATE cultuur.reservation SET state = 'expired' WHERE id = :offer_5;
UPDATE cultuur.reservation SET state = 'loaned', loan_id = 2 WHERE id = :offer_5;
UPDATE cultuur.reservation SET state = 'queued' WHERE id = :offer_5;
UPDATE cultuur.reservation SET offer_expires_at = offer_expires_at + interval '1 day' WHERE id = :offer_5;
UPDATE cultuur.reservation SET placed_at = placed_at - interval '1 day' WHERE id = :offer_5;
DELETE FROM cultuur.reservation WHERE id = :offer_5;
-- two readers queue for the audiobook; only the first may be offered it
SELECT queue_position FROM cultuur.reserve(1, 3);
SELECT queue_position FROM cultuur.reserve(5, 3);
UPDATE cultuur.reservation SET state = 'offered' WHERE member_id = 5 AND title_id = 3;
UPDATE cultuur.reservation SET state = 'offered' WHERE member_id = 1 AND title_id = 3;    -- no licence free
-- the timestamps fit the state, also for rows restored as given
SET cultuur.restoring = on;
INSERT INTO cultuur.reservation (title_id, member_id, placed_at, state) VALUES (2, 3, now(), 'offered');
INSERT INTO cultuur.reservation (title_id, member_id, placed_at, state, offered_at, offer_expires_at, closed_at)
VALUES (2, 3, now(), 'expired', now(), now() + interval '3 days', now());
INSERT INTO cultuur.loan (member_id, title_id, licence_id, slot, started_at, due_at)
VALUES (3, 2, 2, 1, now(), now() + interval '43 days');
INSERT INTO cultuur.loan (member_id, title_id, licence_id, slot, started_at, due_at)
VALUES (3, 2, 1, 1, now(), now() + interval '3 days');
RESET cultuur.restoring;

--
-- 8. Overdue loans end by themselves: reads treat them as ended, the
-- next action on the title or expire_due() writes the end and hands on.
-- History as a restore would load it: member 2 borrowed title 6 fifty
-- days ago, due eight days ago, and member 4 queued for it.
SET cultuur.restoring = on;
INSERT INTO cultuur.loan (id, member_id, title_id, licence_id, slot, started_at, due_at)
VALUES (100, 2, 6, 6, 1, now() - interval '50 days', now() - interval '8 days');
INSERT INTO cultuur.reservation (id, title_id, member_id, placed_at, state)
VALUES (100, 6, 4, now() - interval '20 days', 'queued');
RESET cultuur.restoring;
SELECT title_id, open_loans, standing_offers, queued FROM cultuur.title_availability WHERE title_id = 6;
-- member 2 has title 4 and the overdue title 6, which counts as returned:
-- a second loan is allowed
SELECT loan_id IS NOT NULL AS lent FROM cultuur.borrow(2, 8, 7);
SELECT state FROM cultuur.queue_position(4, 6);
SELECT * FROM cultuur.expire_due();
SELECT id, ended, returned_at = due_at AS at_due_time FROM cultuur.loan WHERE id = 100;
SELECT state, offer_expires_at - offered_at AS window FROM cultuur.reservation WHERE id = 100;
-- idempotent
SELECT * FROM cultuur.expire_due();
-- an offer that ran out reads as expired, and passes on: as a restore
-- would load it, member 1 was offered title 5 five days ago (the offer
-- ran out two days ago) and member 5 queued after
SET cultuur.restoring = on;
INSERT INTO cultuur.reservation (id, title_id, member_id, placed_at, state, offered_at, offer_expires_at)
VALUES (102, 5, 1, now() - interval '6 days', 'offered', now() - interval '5 days', now() - interval '2 days'),
       (103, 5, 3, now() - interval '4 days', 'queued', NULL, NULL);
RESET cultuur.restoring;
SELECT state, queue_position, offer_expires_at FROM cultuur.queue_position(1, 5);
SELECT standing_offers, queued FROM cultuur.title_availability WHERE title_id = 5;
SELECT * FROM cultuur.expire_due();
SELECT id, member_id, state, closed_at = offer_expires_at AS closed_at_its_end FROM cultuur.reservation WHERE title_id = 5 ORDER BY id;
SELECT * FROM cultuur.expire_due();
-- bad moments
SELECT * FROM cultuur.expire_due(now() + interval '1 day');
SELECT * FROM cultuur.expire_due('infinity');
SELECT * FROM cultuur.expire_due(NULL);
SELECT * FROM cultuur.expire_due(now() - interval '1 year');

--
-- 9. Metered licences count down in the loan's statement and never below
-- zero; the count is the database's.
SELECT licence_id, (SELECT checkouts_left FROM cultuur.licence WHERE id = 2) AS left_after FROM cultuur.borrow(5, 2);
SELECT licence_id, (SELECT checkouts_left FROM cultuur.licence WHERE id = 2) AS left_after FROM cultuur.borrow(3, 2);
SELECT ended FROM cultuur.give_back((SELECT id FROM cultuur.loan WHERE member_id = 5 AND title_id = 2));
-- a slot is free, but no checkout is left
SELECT * FROM cultuur.borrow(4, 2);
SELECT * FROM cultuur.reserve(4, 2);
SELECT licences, licences_lending FROM cultuur.title_availability WHERE title_id = 2;
UPDATE cultuur.licence SET checkouts_left = 5 WHERE id = 2;
UPDATE cultuur.licence SET checkouts_left = -1 WHERE id = 2;
UPDATE cultuur.licence SET concurrency = 3 WHERE id = 2;
-- a licence bought for a title with a queue is offered at once: title 3
-- (the audiobook) has members 1 and 5 queued
INSERT INTO cultuur.licence (title_id) VALUES (3);
SELECT member_id, state FROM cultuur.reservation WHERE title_id = 3 AND state IN ('queued', 'offered') ORDER BY id;

--
-- 10. Which licence a loan takes (doc/rules.md §10): time-limited ones
-- first, soonest expiry first; then perpetual; then time-and-loan-limited;
-- then loan-limited, most checkouts left first.
INSERT INTO cultuur.title (id, name) VALUES (7, 'Stoner');
INSERT INTO cultuur.licence (id, title_id, checkouts_total, valid_until) VALUES
    (71, 7, 10, NULL),
    (72, 7, 20, NULL),
    (73, 7, 10, now() + interval '300 days'),
    (74, 7, NULL, NULL),
    (75, 7, NULL, now() + interval '400 days'),
    (76, 7, NULL, now() + interval '200 days');
INSERT INTO cultuur.member (id, library_id, card_number, membership_until, has_profile)
SELECT 100 + g, 1 + g % 2, 'BULK-' || g, '2199-12-31', true FROM generate_series(1, 6) g;
SELECT g AS borrower, (SELECT licence_id FROM cultuur.borrow(100 + g, 7)) AS licence
  FROM generate_series(1, 6) g ORDER BY g;
-- a licence that expires in 10 days lends for 10 days, not 6 weeks
-- (member 4 takes the offer of title 6 made in 8.)
SELECT took_offer, due_at = (SELECT valid_until FROM cultuur.licence WHERE id = 6) AS due_when_licence_expires
  FROM cultuur.borrow(4, 6);
-- days asked for
SELECT * FROM cultuur.borrow(103, 8, 0);
SELECT * FROM cultuur.borrow(103, 8, 43);
SELECT due_at - started_at AS term FROM cultuur.borrow(103, 8, NULL);
INSERT INTO cultuur.loan (member_id, title_id, due_at) VALUES (104, 8, now() + interval '60 days');
INSERT INTO cultuur.loan (member_id, title_id, due_at) VALUES (104, 8, now() - interval '1 day');
INSERT INTO cultuur.loan (member_id, title_id, due_at) VALUES (104, 8, 'infinity');
INSERT INTO cultuur.loan (member_id, title_id, licence_id) VALUES (104, 8, 1);
SELECT due_at - started_at AS term FROM cultuur.borrow(104, 8, 21);

--
-- 11. Six weeks on the Brussels calendar, whatever the session's zone: a
-- loan at 10:00 on 20 March 2026 (before summer time) is due at 10:00 on
-- 1 May 2026 (in summer time), 41 days and 23 hours later.
SET TimeZone = 'UTC';
SELECT cultuur.brussels_days_after('2026-03-20 10:00 Europe/Brussels', 42) AS due,
       cultuur.brussels_days_after('2026-03-20 10:00 Europe/Brussels', 42)
       - '2026-03-20 10:00 Europe/Brussels'::timestamptz AS elapsed;
SET TimeZone = 'Asia/Tokyo';
SELECT cultuur.brussels_days_after('2026-10-20 10:00 Europe/Brussels', 42) AT TIME ZONE 'Europe/Brussels' AS due_brussels;
SET TimeZone = 'America/New_York';
-- the constraint holds the same limit
SET cultuur.restoring = on;
INSERT INTO cultuur.loan (member_id, title_id, licence_id, slot, started_at, due_at)
VALUES (3, 7, 74, 1, '2026-03-20 10:00 Europe/Brussels', '2026-05-01 10:00:01 Europe/Brussels');
RESET cultuur.restoring;

--
-- 12. A suspended library lends nothing (E 8.7): Fortdorp's 2026 invoice,
-- unpaid, a formal notice, suspended from 10 July 2026.
SELECT number, contract_id, kind FROM cultuur.run_invoicing('2026-05-01') ORDER BY number;
INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
SELECT id, '2026-06-05' FROM cultuur.invoice WHERE contract_id = 2 AND period @> date '2026-06-01';
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, '2026-07-10' FROM cultuur.invoice WHERE contract_id = 2 AND period @> date '2026-06-01';
SELECT * FROM cultuur.borrow(101, 8);
SELECT * FROM cultuur.reserve(101, 7);
-- Eekhout lends on
SELECT loan_id IS NOT NULL AS lent FROM cultuur.borrow(102, 8);
-- lifted: Fortdorp lends again
SELECT cultuur.lift_suspension(
    (SELECT s.id FROM cultuur.suspension s JOIN cultuur.invoice i ON i.id = s.invoice_id WHERE i.contract_id = 2),
    cultuur.today(), 'payment plan agreed');
SELECT loan_id IS NOT NULL AS lent FROM cultuur.borrow(101, 8);

--
-- 13. Roles: a clerk lends through the front door and may insert directly
-- (the same rules); reporting sees titles and availability, never a
-- member, loan, reservation or the key.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cultuur_test_lend_clerk') THEN
        CREATE ROLE cultuur_test_lend_clerk NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cultuur_test_lend_reader') THEN
        CREATE ROLE cultuur_test_lend_reader NOLOGIN;
    END IF;
END $$;
GRANT cultuur_data_entry TO cultuur_test_lend_clerk;
GRANT cultuur_reporting TO cultuur_test_lend_reader;
SET ROLE cultuur_test_lend_clerk;
INSERT INTO cultuur.member (library_id, card_number, membership_until, has_profile) VALUES (1, 'EK-0200', '2199-12-31', true);
SELECT loan_id IS NOT NULL AS lent FROM cultuur.borrow((SELECT id FROM cultuur.member WHERE card_number = 'EK-0200'), 8);
INSERT INTO cultuur.loan (member_id, title_id) SELECT id, 4 FROM cultuur.member WHERE card_number = 'EK-0200';
INSERT INTO cultuur.reservation (member_id, title_id) SELECT id, 1 FROM cultuur.member WHERE card_number = 'EK-0200';
INSERT INTO cultuur.reservation (member_id, title_id) SELECT id, 8 FROM cultuur.member WHERE card_number = 'EK-0200';
SELECT state, queue_position FROM cultuur.queue_position((SELECT id FROM cultuur.member WHERE card_number = 'EK-0200'), 1);
SELECT count(*) FROM cultuur.loan;
SELECT count(*) FROM cultuur.lending_key;
UPDATE cultuur.loan SET returned_at = now();
UPDATE cultuur.licence SET checkouts_left = 0;
UPDATE cultuur.member SET library_id = 2 WHERE card_number = 'EK-0200';
SELECT cultuur.member_pseudonym(1);
SELECT cultuur.lending_settle(1, now());
TRUNCATE cultuur.loan;
RESET ROLE;
SET ROLE cultuur_test_lend_reader;
SELECT title_id, licences, open_loans FROM cultuur.title_availability WHERE title_id = 1;
SELECT count(*) FROM cultuur.member;
SELECT count(*) FROM cultuur.reservation;
SELECT count(*) FROM cultuur.usage_event;
SELECT * FROM cultuur.borrow(1, 1);
RESET ROLE;
REVOKE cultuur_data_entry FROM cultuur_test_lend_clerk;
REVOKE cultuur_reporting FROM cultuur_test_lend_reader;
DROP ROLE cultuur_test_lend_clerk;
DROP ROLE cultuur_test_lend_reader;

--
-- 14. Bad input: a clean error naming the value, never a crash.
SELECT * FROM cultuur.borrow(NULL, 1);
SELECT * FROM cultuur.borrow(1, NULL);
SELECT * FROM cultuur.borrow(2147483647, 1);
SELECT * FROM cultuur.borrow(1, 2147483647);
SELECT * FROM cultuur.borrow(-1, -1);
SELECT * FROM cultuur.reserve(2147483647, 1);
SELECT * FROM cultuur.reserve(1, -5);
SELECT * FROM cultuur.queue_position(1, 999);
SELECT * FROM cultuur.cancel_reservation(NULL);
SELECT * FROM cultuur.cancel_reservation(-1);
SELECT cultuur.lending_pseudonym('\x00'::bytea, 1);
SELECT length(cultuur.lending_new_key()) AS key_bytes, cultuur.lending_new_key() <> cultuur.lending_new_key() AS fresh;
INSERT INTO cultuur.licence (title_id, concurrency) VALUES (1, 0);
INSERT INTO cultuur.licence (title_id, max_loan_days) VALUES (1, 43);
INSERT INTO cultuur.licence (title_id, valid_until) VALUES (1, 'infinity');
INSERT INTO cultuur.licence (title_id, checkouts_total) VALUES (1, -3);
INSERT INTO cultuur.member (library_id, card_number, membership_until) VALUES (1, 'Jan Janssens', '2199-12-31');
INSERT INTO cultuur.member (library_id, card_number, membership_until) VALUES (1, 'EK-9999', 'infinity');
INSERT INTO cultuur.title (name) VALUES ('   ');
INSERT INTO cultuur.title (name, kind) VALUES ('Film', 'film');
INSERT INTO cultuur.title (name, isbn) VALUES ('Boek', '12345');
INSERT INTO cultuur.lending_policy (offer_days) VALUES (0);
UPDATE cultuur.lending_key SET key = cultuur.lending_new_key();
DELETE FROM cultuur.lending_key;

--
-- 15. The consortium's offer window: 5 days.
INSERT INTO cultuur.lending_policy (offer_days) VALUES (5);
SELECT ended, offers_made FROM cultuur.give_back((SELECT id FROM cultuur.loan WHERE member_id = 4 AND title_id = 3 AND returned_at IS NULL));
SELECT member_id, state, offer_expires_at - offered_at AS window FROM cultuur.reservation
 WHERE title_id = 3 AND state = 'offered' ORDER BY id;

--
-- 16. The invariants over everything above.
SELECT
  (SELECT count(*) FROM cultuur.licence l
    WHERE (SELECT count(*) FROM cultuur.loan o WHERE o.licence_id = l.id AND o.returned_at IS NULL) > l.concurrency) AS licences_over,
  (SELECT count(*) FROM (SELECT member_id FROM cultuur.loan WHERE returned_at IS NULL AND due_at > now()
                          GROUP BY 1 HAVING count(*) > 2) x) AS members_over_loans,
  (SELECT count(*) FROM (SELECT member_id FROM cultuur.reservation WHERE state IN ('queued', 'offered')
                          GROUP BY 1 HAVING count(*) > 2) x) AS members_over_reservations,
  (SELECT count(*) FROM cultuur.licence l
    WHERE l.checkouts_left <> l.checkouts_total - (SELECT count(*) FROM cultuur.loan o WHERE o.licence_id = l.id)) AS counters_off,
  (SELECT count(*) FROM cultuur.reservation r
    WHERE r.state = 'offered'
      AND EXISTS (SELECT 1 FROM cultuur.reservation q WHERE q.title_id = r.title_id AND q.state = 'queued'
                     AND (q.placed_at, q.id) < (r.placed_at, r.id))) AS offers_out_of_order,
  (SELECT count(*) FROM cultuur.loan o
    WHERE o.id <> 100   -- loaded as history
      AND NOT EXISTS (SELECT 1 FROM cultuur.usage_event e WHERE e.occurred_at = o.started_at
                         AND e.action::text LIKE '%loaned')) AS loans_without_usage;
