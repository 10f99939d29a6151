-- ---------------------------------------------------------------------
-- Layer 2, tables: what municipalities approved and assume for their
-- budgets, and amounts quoted elsewhere to reconcile (doc/rules.md §9).
-- ---------------------------------------------------------------------

CREATE TABLE cultuur.budget_approved (
    library_id  integer NOT NULL REFERENCES cultuur.library,
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    amount      numeric(14,2) NOT NULL CHECK (amount >= 0),
    reference   text,
    PRIMARY KEY (library_id, year)
);
COMMENT ON TABLE cultuur.budget_approved IS 'The amount the council approved for a budget year (Antwerp: 23,751.50 for 2022, 150,000.00 for 2023 and 2024, 80,000.00 for 2025 and 2026).';

CREATE TABLE cultuur.budget_assumption (
    library_id                 integer NOT NULL REFERENCES cultuur.library,
    year                       integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    service                    text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    users_per_month            numeric NOT NULL DEFAULT 0 CHECK (users_per_month >= 0),
    consortium_users_per_month numeric CHECK (consortium_users_per_month >= 0),
    inhabitant_growth_pct      numeric NOT NULL DEFAULT 0 CHECK (inhabitant_growth_pct > -100 AND inhabitant_growth_pct < 100),
    index_growth_pct           numeric NOT NULL DEFAULT 0 CHECK (index_growth_pct > -100 AND index_growth_pct < 100),
    PRIMARY KEY (library_id, year, service)
);
COMMENT ON TABLE cultuur.budget_assumption IS 'What a municipality expects for a budget year and service: unique users per month (and consortium-wide, for the tier), yearly growth of inhabitants and of the price index beyond the last published figures.';

CREATE SEQUENCE cultuur.quoted_amount_id_seq;

CREATE TABLE cultuur.quoted_amount (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.quoted_amount_id_seq'),
    contract_id integer NOT NULL REFERENCES cultuur.contract,
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    what        text NOT NULL CHECK (what IN ('yearly_amount', 'fee', 'invoiced')),
    quoted      numeric(14,2) NOT NULL,
    source      text NOT NULL
);
ALTER SEQUENCE cultuur.quoted_amount_id_seq OWNED BY cultuur.quoted_amount.id;
COMMENT ON TABLE cultuur.quoted_amount IS 'An amount someone quoted (a figure printed in a contract, a supplier invoice): the yearly amount before pro rata and index, the fee of a year, or what was invoiced for a year.';
