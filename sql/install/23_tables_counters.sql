-- ---------------------------------------------------------------------
-- Layer 2, tables: the counters kept from the usage events -- unique users
-- per library, lot and month, and consortium-wide (doc/rules.md §3, 8).
-- Computed state: written by the engine only.
-- ---------------------------------------------------------------------

CREATE TABLE cultuur.monthly_user (
    library_id  integer NOT NULL,
    service     text NOT NULL,
    month       date NOT NULL,
    member_ref  text NOT NULL,
    PRIMARY KEY (library_id, service, month, member_ref)
);
COMMENT ON TABLE cultuur.monthly_user IS 'Members who started at least one film, per library, lot and calendar month in Europe/Brussels: the set that makes a member count once, however late or often their events arrive.';

CREATE TABLE cultuur.monthly_usage (
    library_id   integer NOT NULL,
    service      text NOT NULL,
    month        date NOT NULL,
    unique_users integer NOT NULL CHECK (unique_users >= 0),
    PRIMARY KEY (library_id, service, month)
);
COMMENT ON TABLE cultuur.monthly_usage IS 'Unique users per library, lot and month (members with at least one film_started; logins never count), kept incrementally as events arrive.';

CREATE TABLE cultuur.consortium_usage (
    service      text NOT NULL,
    month        date NOT NULL,
    unique_users integer NOT NULL CHECK (unique_users >= 0),
    PRIMARY KEY (service, month)
);
COMMENT ON TABLE cultuur.consortium_usage IS 'Unique users per lot and month over all participating libraries: the volume that picks the tier price. Kept incrementally.';
