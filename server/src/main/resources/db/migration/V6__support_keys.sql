-- Read-only support keys (issue #12 point 2). Additive only: a support key's row has
-- is_admin = FALSE and account_id = NULL, so the previous release, which does not read this
-- column, takes it for a tenant key of no account: the admin API refuses it (ADMIN_REQUIRED) and
-- the tenant API's queries (account_id = NULL) match no row of any account (docs/DESIGN.md).
ALTER TABLE api_key ADD COLUMN is_support BOOLEAN NOT NULL DEFAULT FALSE;
