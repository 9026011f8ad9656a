-- Additive (the previous release ignores the column). On a Galera cluster every transaction that
-- locks an account also bumps this column, because SELECT ... FOR UPDATE locks a row on one node
-- only: the write makes two nodes' lockers of one account conflict at certification.
ALTER TABLE account ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 0;
