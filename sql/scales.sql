--
-- What a reporting tool learns of the columns it reads: amounts come as
-- numeric(12,2), unit prices as numeric(18,6), as the stored invoice totals
-- do (the domains cultuur.amount and cultuur.price; a client sees their
-- base type with its precision and scale).  \gdesc shows the description
-- the server sends to every client (JDBC, ODBC, psycopg read the same).
--
SET client_min_messages = warning;
SELECT * FROM cultuur.fee_detail(2022, 2022) \gdesc
SELECT * FROM cultuur.contract_fee_detail \gdesc
SELECT cultuur.contract_fee(1, 2022) AS fee \gdesc
SELECT * FROM cultuur.budget_projection(2022, 2022) \gdesc
SELECT * FROM cultuur.budget_variance(2022, 2022) \gdesc
SELECT * FROM cultuur.invoice_balance \gdesc
SELECT * FROM cultuur.invoice_preview(1, 'ebooks_year', '[2022-01-01,2023-01-01)') \gdesc
SELECT * FROM cultuur.overdue('2023-01-01') \gdesc
SELECT * FROM cultuur.contract_status('2023-01-01') \gdesc
SELECT * FROM cultuur.exit_fee_quote(1, '2023-12-31') \gdesc
SELECT * FROM cultuur.reconciliation \gdesc
SELECT number, total FROM cultuur.run_invoicing('2023-01-01') \gdesc
