-- Dated prices (issue #12 point 3). The catalog is append-only: each SetPriceCatalog writes a new
-- version (its items and its period discounts), never changing an older one. The version in force
-- at an instant t is the one with the latest effective time <= t (a tie: the higher version).
--
-- Additive: the previous release keeps reading price_catalog, which this release neither reads nor
-- writes (it stays as it was, the prices of version 1). Change prices only once every replica runs
-- this release (see OPERATIONS "Changing prices").
CREATE TABLE price_catalog_version (
  version           BIGINT      NOT NULL,
  effective_time_ms BIGINT      NOT NULL,
  created_time_ms   BIGINT      NOT NULL,
  created_by        VARCHAR(64) NOT NULL,
  PRIMARY KEY (version)
);

CREATE TABLE price_catalog_item (
  version           BIGINT      NOT NULL,
  item_code         VARCHAR(64) NOT NULL,
  item_kind         VARCHAR(16) NOT NULL,
  monthly_price_fen BIGINT      NOT NULL,
  PRIMARY KEY (version, item_code)
);

-- Period factor in percent of the list price (100 = no discount), one row per allowed period.
CREATE TABLE price_catalog_discount (
  version          BIGINT NOT NULL,
  period_months    INT    NOT NULL,
  discount_percent INT    NOT NULL,
  PRIMARY KEY (version, period_months)
);

-- Version 1: today's prices (price_catalog as it stands, SQL edits included), in force since the
-- epoch, and the period factors the code had: 1..11 months 100, 12 months 85, 24 months 70,
-- 36 months 60.
INSERT INTO price_catalog_version (version, effective_time_ms, created_time_ms, created_by)
VALUES (1, 0, 0, 'migration V5');

INSERT INTO price_catalog_item (version, item_code, item_kind, monthly_price_fen)
SELECT 1, item_code, item_kind, monthly_price_fen FROM price_catalog;

INSERT INTO price_catalog_discount (version, period_months, discount_percent) VALUES
  (1, 1, 100), (1, 2, 100), (1, 3, 100), (1, 4, 100), (1, 5, 100), (1, 6, 100),
  (1, 7, 100), (1, 8, 100), (1, 9, 100), (1, 10, 100), (1, 11, 100), (1, 12, 85),
  (1, 24, 70), (1, 36, 60);
