-- E-book lending at Antwerp (E preamble; doc/rules.md §10): a short story
-- through the front door library staff use.  Run after load.sql; the
-- titles, readers and licences are invented.  Times are shown in Brussels.
SET search_path = pg_catalog, pg_temp;
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
SET datestyle = ISO;
SET TimeZone = 'Europe/Brussels';

-- the catalogue: one licence for one reader of De Avonden; a metered
-- licence of Het Verdriet van België (2 loans in all, 2 readers at a
-- time); one licence of Kaas
INSERT INTO cultuur.title (name, kind) VALUES
    ('De Avonden', 'ebook'), ('Het Verdriet van België', 'ebook'), ('Kaas', 'audiobook');
INSERT INTO cultuur.licence (title_id, concurrency, checkouts_total)
SELECT id, CASE name WHEN 'Het Verdriet van België' THEN 2 ELSE 1 END,
           CASE name WHEN 'Het Verdriet van België' THEN 2 END
  FROM cultuur.title;
INSERT INTO cultuur.member (library_id, card_number, membership_until, has_profile)
SELECT 1, 'ANT-000' || g, '2027-12-31', true FROM generate_series(1, 6) g;

-- history: ANT-0005 was offered Kaas four days ago (the offer ran out
-- yesterday); ANT-0006 queued for it after ANT-0005
SET client_min_messages = error;
SET cultuur.restoring = on;
INSERT INTO cultuur.reservation (title_id, member_id, placed_at, state, offered_at, offer_expires_at)
SELECT t.id, m.id, now() - interval '5 days', 'offered', now() - interval '4 days', now() - interval '1 day'
  FROM cultuur.title t, cultuur.member m WHERE t.name = 'Kaas' AND m.card_number = 'ANT-0005';
INSERT INTO cultuur.reservation (title_id, member_id, placed_at, state)
SELECT t.id, m.id, now() - interval '3 days', 'queued'
  FROM cultuur.title t, cultuur.member m WHERE t.name = 'Kaas' AND m.card_number = 'ANT-0006';
RESET cultuur.restoring;
SET client_min_messages = warning;

CREATE TEMP VIEW who AS
SELECT m.id, m.card_number AS reader FROM cultuur.member m;
CREATE TEMP VIEW t AS
SELECT id, name FROM cultuur.title;
-- a refusal as library staff see it: the rule and what to do
CREATE FUNCTION pg_temp.try(action text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE m text; h text; d text;
BEGIN
    EXECUTE 'SELECT ' || action;
    RETURN 'done';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN 'refused: ' || m || coalesce(' -- ' || nullif(d, ''), '') || coalesce(' -- ' || nullif(h, ''), '');
END $$;

\echo
\echo '=== 17. Lending: reader ANT-0001 borrows De Avonden (6 weeks, Brussels calendar) ==='
SELECT w.reader, t.name AS title, to_char(b.due_at, 'YYYY-MM-DD HH24:MI') AS due_back
  FROM cultuur.borrow((SELECT id FROM who WHERE reader = 'ANT-0001'), (SELECT id FROM t WHERE name = 'De Avonden')) b
  JOIN t ON t.id = b.title_id, who w WHERE w.reader = 'ANT-0001';

\echo '=== 18. The title is full: ANT-0002 is refused, then ANT-0002 and ANT-0003 join the queue ==='
SELECT pg_temp.try(format('cultuur.borrow(%s, %s)', (SELECT id FROM who WHERE reader = 'ANT-0002'),
                                                      (SELECT id FROM t WHERE name = 'De Avonden'))) AS "ANT-0002 borrows";
SELECT w.reader, r.state, r.queue_position
  FROM who w, LATERAL cultuur.reserve(w.id, (SELECT id FROM t WHERE name = 'De Avonden')) r
 WHERE w.reader IN ('ANT-0002', 'ANT-0003') ORDER BY w.reader;

\echo '=== 19. ANT-0001 returns it early: the licence is offered to ANT-0002 at once, for 3 days ==='
SELECT g.ended, g.offers_made
  FROM cultuur.give_back((SELECT o.id FROM cultuur.loan o JOIN who w ON w.id = o.member_id
                           WHERE w.reader = 'ANT-0001' AND o.returned_at IS NULL)) g;
SELECT w.reader, q.state, q.queue_position, to_char(q.offer_expires_at, 'YYYY-MM-DD HH24:MI') AS offer_until
  FROM who w, LATERAL cultuur.queue_position(w.id, (SELECT id FROM t WHERE name = 'De Avonden')) q
 WHERE w.reader IN ('ANT-0002', 'ANT-0003') ORDER BY w.reader;
SELECT pg_temp.try(format('cultuur.borrow(%s, %s)', (SELECT id FROM who WHERE reader = 'ANT-0004'),
                                                      (SELECT id FROM t WHERE name = 'De Avonden'))) AS "ANT-0004 borrows";

\echo '=== 20. An offer that expires passes on: ANT-0005 was offered Kaas four days ago and did not borrow it ==='
-- (ANT-0005's offer and ANT-0006's place in the queue are loaded as
-- history, as a restore would; cultuur.expire_due(), which any scheduler
-- may call, or the next action on the title hands on)
SELECT w.reader, q.state, q.queue_position
  FROM who w, LATERAL cultuur.queue_position(w.id, (SELECT id FROM t WHERE name = 'Kaas')) q
 WHERE w.reader IN ('ANT-0005', 'ANT-0006') ORDER BY w.reader;
SELECT * FROM cultuur.expire_due();
SELECT w.reader, r.state, to_char(r.offer_expires_at, 'YYYY-MM-DD HH24:MI') AS offer_until
  FROM cultuur.reservation r JOIN who w ON w.id = r.member_id
 WHERE r.title_id = (SELECT id FROM t WHERE name = 'Kaas') ORDER BY r.id;

\echo '=== 21. A metered licence runs out: Het Verdriet van België allows 2 loans in all ==='
SELECT w.reader, pg_temp.try(format('cultuur.borrow(%s, %s)', w.id, (SELECT id FROM t WHERE name = 'Het Verdriet van België'))) AS outcome
  FROM who w WHERE w.reader IN ('ANT-0004', 'ANT-0005', 'ANT-0006') ORDER BY w.reader;
SELECT l.checkouts_total, l.checkouts_left FROM cultuur.licence l JOIN t ON t.id = l.title_id WHERE t.name = 'Het Verdriet van België';

\echo '=== 22. A suspended library lends nothing: Antwerp''s 2025 e-book invoice is unpaid; finance sends a formal notice and suspends ==='
INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
SELECT id, cultuur.today() FROM cultuur.invoice WHERE number = '2025/000006';
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, cultuur.today() FROM cultuur.invoice WHERE number = '2025/000006';
SELECT pg_temp.try(format('cultuur.borrow(%s, %s)', (SELECT id FROM who WHERE reader = 'ANT-0006'),
                                                      (SELECT id FROM t WHERE name = 'Kaas'))) AS "ANT-0006 takes the offer of Kaas";

\echo '=== 23. Lending as reports see it (no reader named) and the usage it wrote (pseudonyms only) ==='
SELECT name AS title, kind, licences, licences_lending, open_loans, standing_offers, queued FROM cultuur.title_availability ORDER BY title_id;
SELECT action, count(*) AS events, count(DISTINCT member_ref) AS readers, min(left(member_ref, 12)) || '...' AS a_pseudonym
  FROM cultuur.usage_event WHERE service = 'ebooks' GROUP BY action ORDER BY action;
