#!/usr/bin/python3
"""What a reporting tool sees of cultuur's report columns, through a real
client library (psycopg, as Python BI scripts use it): the precision and
scale of every amount and unit price, from cursor.description.  Prints TAP.

Run against the cluster of PGHOST/PGPORT/PGUSER/PGPASSWORD, in a database of
its own (created and dropped here)."""
import sys

import psycopg

DB = "cultuur_clients"

# (query, column, precision, scale)
EXPECTED = [
    ("SELECT * FROM cultuur.fee_detail(2022, 2022)", col, p, s)
    for col, p, s in [("fixed_fee", 12, 2), ("unit_price", 18, 6), ("variable_part", 12, 2),
                      ("yearly_amount", 12, 2), ("indexed_amount", 12, 2), ("fee", 12, 2)]
] + [
    ("SELECT * FROM cultuur.contract_fee_detail", "fee", 12, 2),
    ("SELECT cultuur.contract_fee(1, 2022) AS fee", "fee", 12, 2),
    ("SELECT * FROM cultuur.budget_projection(2022, 2023)", "invoiced", 12, 2),
    ("SELECT * FROM cultuur.budget_projection(2022, 2023)", "projected", 12, 2),
    ("SELECT * FROM cultuur.budget_variance(2022, 2023)", "expected_total", 12, 2),
    ("SELECT * FROM cultuur.budget_variance(2022, 2023)", "variance", 12, 2),
    ("SELECT * FROM cultuur.invoice_balance", "total", 12, 2),
    ("SELECT * FROM cultuur.invoice_balance", "paid", 12, 2),
    ("SELECT * FROM cultuur.invoice_balance", "credited", 12, 2),
    ("SELECT * FROM cultuur.invoice_balance", "outstanding", 12, 2),
    ("SELECT * FROM cultuur.contract_status('2023-01-01')", "exit_fee_if_notice_today", 12, 2),
    ("SELECT * FROM cultuur.reconciliation", "difference", 14, 2),
]

SETUP = """
SET client_min_messages = warning;
CREATE EXTENSION cultuur CASCADE;
INSERT INTO cultuur.library (id, name, nis_code) VALUES (1, 'Antwerpen', '11002');
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES (1, 2021, 529417);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers) VALUES
    ('ebooks', daterange('2022-01-01', NULL), 838.54, '0.1645');
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (1, 1, 'ebooks', '2022-11-01', '2022-11-01', '2026-09-15', 80);
"""


def main():
    n = failed = 0
    with psycopg.connect(dbname="postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.execute(f"CREATE DATABASE {DB}")
    try:
        with psycopg.connect(dbname=DB, autocommit=True) as conn:
            conn.execute(SETUP)
            # and the values themselves come as exact decimals, never floats
            fee = conn.execute("SELECT fee FROM cultuur.fee_detail(2022, 2022)").fetchone()[0]
            n += 1
            if type(fee).__name__ == "Decimal" and str(fee) == "11751.64":
                print(f"ok {n} - the 2022 e-book fee arrives as Decimal('11751.64')")
            else:
                failed += 1
                print(f"not ok {n} - the 2022 e-book fee arrives as Decimal('11751.64'): {fee!r}")
            for query, col, prec, scale in EXPECTED:
                cur = conn.execute(query)
                d = {c.name: c for c in cur.description}
                n += 1
                got = (d[col].precision, d[col].scale) if col in d else None
                what = f"{query}: {col} is numeric({prec},{scale})"
                if got == (prec, scale):
                    print(f"ok {n} - {what}")
                else:
                    failed += 1
                    print(f"not ok {n} - {what}: precision and scale {got}")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB}")
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
