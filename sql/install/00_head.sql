-- cultuur: contracts, tariffs and usage of the Flemish public libraries'
-- digital services, computed exactly inside PostgreSQL.
-- This file is generated from sql/install/*.sql by make; edit those.
\echo Use "CREATE EXTENSION cultuur" to load this file. \quit
