-- Initial schema. Portable between MySQL/MariaDB (InnoDB) and H2 in MySQL mode.
-- Instants are BIGINT epoch milliseconds (exact on every driver; see EpochMillisInstantTypeHandler).
-- Money is BIGINT fen (1 CNY = 100 fen). Create the database with utf8mb4.

CREATE TABLE account (
  account_id        VARCHAR(32)  NOT NULL,
  display_name      VARCHAR(200) NOT NULL,
  balance_fen       BIGINT       NOT NULL,
  billing_time_zone VARCHAR(64)  NOT NULL,
  created_time_ms   BIGINT       NOT NULL,
  PRIMARY KEY (account_id),
  -- Second line of defence: the debit UPDATE already guards the balance.
  CONSTRAINT ck_account_balance_not_negative CHECK (balance_fen >= 0)
);

-- Only the SHA-256 of a key is stored; account_id is null for admin keys.
CREATE TABLE api_key (
  key_hash        CHAR(64)    NOT NULL,
  key_prefix      VARCHAR(16) NOT NULL,
  account_id      VARCHAR(32) NULL,
  is_admin        BOOLEAN     NOT NULL,
  created_time_ms BIGINT      NOT NULL,
  PRIMARY KEY (key_hash)
);

-- The price catalog: one row per instance type, plus the bandwidth price (item_kind BANDWIDTH).
CREATE TABLE price_catalog (
  item_code         VARCHAR(64) NOT NULL,
  item_kind         VARCHAR(16) NOT NULL,
  monthly_price_fen BIGINT      NOT NULL,
  PRIMARY KEY (item_code)
);

INSERT INTO price_catalog (item_code, item_kind, monthly_price_fen) VALUES
  ('S5.SMALL2',  'INSTANCE_TYPE', 5000),
  ('S5.MEDIUM4', 'INSTANCE_TYPE', 10000),
  ('S5.LARGE8',  'INSTANCE_TYPE', 20000),
  ('BANDWIDTH_MBPS', 'BANDWIDTH', 1000);

CREATE TABLE instance (
  instance_id              VARCHAR(16) NOT NULL,
  account_id               VARCHAR(32) NOT NULL,
  instance_type            VARCHAR(64) NOT NULL,
  charge_type              VARCHAR(24) NOT NULL,
  state                    VARCHAR(16) NOT NULL,
  created_time_ms          BIGINT      NOT NULL,
  expired_time_ms          BIGINT      NULL,
  expiry_anchor_day        INT         NULL,
  isolated_time_ms         BIGINT      NULL,
  released_time_ms         BIGINT      NULL,
  renew_flag               VARCHAR(40) NOT NULL,
  auto_renew_period_months INT         NOT NULL,
  bandwidth_mbps           INT         NOT NULL,
  version                  BIGINT      NOT NULL,
  PRIMARY KEY (instance_id)
);
CREATE INDEX ix_instance_account ON instance (account_id, instance_id);
CREATE INDEX ix_instance_state_expiry ON instance (state, expired_time_ms);

-- The ledger. Every change of a balance writes one row in the same transaction.
CREATE TABLE billing_record (
  record_id         BIGINT        NOT NULL AUTO_INCREMENT,
  account_id        VARCHAR(32)   NOT NULL,
  order_id          VARCHAR(40)   NOT NULL,
  record_type       VARCHAR(24)   NOT NULL,
  amount_fen        BIGINT        NOT NULL,
  balance_after_fen BIGINT        NOT NULL,
  instance_ids      VARCHAR(1500) NOT NULL,
  created_time_ms   BIGINT        NOT NULL,
  PRIMARY KEY (record_id)
);
CREATE INDEX ix_billing_record_account ON billing_record (account_id, record_id);
CREATE INDEX ix_billing_record_order ON billing_record (order_id);

CREATE TABLE instance_event (
  event_id         BIGINT      NOT NULL AUTO_INCREMENT,
  account_id       VARCHAR(32) NOT NULL,
  event_type       VARCHAR(32) NOT NULL,
  instance_id      VARCHAR(16) NULL,
  occurred_time_ms BIGINT      NOT NULL,
  expired_time_ms  BIGINT      NULL,
  days_before      INT         NOT NULL,
  order_id         VARCHAR(40) NULL,
  PRIMARY KEY (event_id)
);
CREATE INDEX ix_instance_event_account ON instance_event (account_id, event_id);

-- Idempotency keys (SPEC 6). The token is stored as its SHA-256 so that comparison is exact
-- (byte-wise) whatever the column collation, and the length is fixed.
CREATE TABLE idempotency_record (
  account_id      VARCHAR(32) NOT NULL,
  method          VARCHAR(64) NOT NULL,
  token_hash      CHAR(64)    NOT NULL,
  request_hash    CHAR(64)    NOT NULL,
  state           VARCHAR(16) NOT NULL,
  response        MEDIUMBLOB  NULL,
  started_time_ms BIGINT      NOT NULL,
  expires_time_ms BIGINT      NOT NULL,
  PRIMARY KEY (account_id, method, token_hash)
);
CREATE INDEX ix_idempotency_record_expiry ON idempotency_record (expires_time_ms);
