-- API key lifecycle (issue #12 point 1). Additive only: the previous release's jar keeps working
-- (it neither reads nor writes these columns; keys it issues get their key_id on the next
-- ListApiKeys/RevokeApiKey, and it does not refuse revoked or expired keys).
-- key_id: a stable, non-secret id (derived from the hash of the key's hash).
ALTER TABLE api_key ADD COLUMN key_id VARCHAR(32) NULL;
-- key_name: an admin key's name (null for tenant keys and keys issued before this release).
ALTER TABLE api_key ADD COLUMN key_name VARCHAR(64) NULL;
ALTER TABLE api_key ADD COLUMN description VARCHAR(256) NULL;
ALTER TABLE api_key ADD COLUMN expire_time_ms BIGINT NULL;
-- Written at most once per key cache lifetime per key (not per call).
ALTER TABLE api_key ADD COLUMN last_used_time_ms BIGINT NULL;
ALTER TABLE api_key ADD COLUMN revoked_time_ms BIGINT NULL;
-- The audit record: which admin key (its name, or "bootstrap") created / revoked this key.
ALTER TABLE api_key ADD COLUMN created_by VARCHAR(64) NULL;
ALTER TABLE api_key ADD COLUMN revoked_by VARCHAR(64) NULL;
CREATE UNIQUE INDEX api_key_key_id ON api_key (key_id);
CREATE INDEX api_key_account_created ON api_key (account_id, created_time_ms);
