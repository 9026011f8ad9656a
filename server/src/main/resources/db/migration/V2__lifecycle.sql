-- Lifecycle schedule (SPEC 4). Each prepaid instance that is not released carries the instant its
-- next lifecycle step is due. Any change to an instance through the API sets it to 0 ("evaluate
-- now"); the lifecycle job then stores the real next due time. Released and postpaid: NULL.
ALTER TABLE instance ADD COLUMN next_due_ms BIGINT NULL;
-- Reminders already sent: for the expiry cycle reminded_expiry_ms, every point of
-- reminded_days_before days or more before expiry.
ALTER TABLE instance ADD COLUMN reminded_expiry_ms BIGINT NULL;
ALTER TABLE instance ADD COLUMN reminded_days_before INT NULL;

UPDATE instance SET next_due_ms = 0 WHERE charge_type = 'PREPAID' AND state <> 'RELEASED';

CREATE INDEX ix_instance_next_due ON instance (next_due_ms);

-- At most one auto-renew charge per instance per expiry cycle, enforced by the database.
CREATE TABLE auto_renew_charge (
  instance_id         VARCHAR(16) NOT NULL,
  old_expired_time_ms BIGINT      NOT NULL,
  order_id            VARCHAR(40) NOT NULL,
  created_time_ms     BIGINT      NOT NULL,
  PRIMARY KEY (instance_id, old_expired_time_ms)
);
