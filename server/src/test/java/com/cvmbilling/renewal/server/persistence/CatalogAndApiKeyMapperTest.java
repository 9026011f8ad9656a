package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CatalogAndApiKeyMapperTest extends RepositoryTestBase {
  private static final Instant AT = Instant.parse("2027-01-31T15:59:59.123Z");

  @Test
  void migrationSeedsTheDefaultPriceCatalog() {
    assertThat(inTx(() -> mapper(PriceMapper.class).all()))
        .containsExactlyInAnyOrder(
            new PriceRow("S5.SMALL2", "INSTANCE_TYPE", 5_000),
            new PriceRow("S5.MEDIUM4", "INSTANCE_TYPE", 10_000),
            new PriceRow("S5.LARGE8", "INSTANCE_TYPE", 20_000),
            new PriceRow("BANDWIDTH_MBPS", "BANDWIDTH", 1_000));
  }

  @Test
  void catalogIsReadFromTheDatabase() throws Exception {
    rawUpdate("UPDATE price_catalog SET monthly_price_fen = 5100 WHERE item_code = 'S5.SMALL2'");
    rawUpdate(
        "INSERT INTO price_catalog (item_code, item_kind, monthly_price_fen) VALUES ('S6.XL16', 'INSTANCE_TYPE', 40000)");

    assertThat(inTx(() -> mapper(PriceMapper.class).all()))
        .contains(
            new PriceRow("S5.SMALL2", "INSTANCE_TYPE", 5_100),
            new PriceRow("S6.XL16", "INSTANCE_TYPE", 40_000))
        .hasSize(5);
  }

  @Test
  void tenantAndAdminKeysRoundTrip() {
    ApiKeyMapper keys = mapper(ApiKeyMapper.class);
    ApiKeyRow tenant = new ApiKeyRow("a".repeat(64), "rk_abcd", "acc-1", false, AT);
    ApiKeyRow admin =
        new ApiKeyRow("b".repeat(64), "rk_admin", null, true, Instant.EPOCH.plusMillis(1));
    inTx(
        () -> {
          keys.insert(tenant);
          keys.insert(admin);
        });

    assertThat(inTx(() -> keys.findByHash("a".repeat(64)))).isEqualTo(tenant);
    assertThat(inTx(() -> keys.findByHash("b".repeat(64)))).isEqualTo(admin);
    assertThat(inTx(() -> keys.findByHash("c".repeat(64)))).isNull();
    assertThat(rawLong("SELECT COUNT(*) FROM api_key WHERE account_id IS NULL AND is_admin = TRUE"))
        .isEqualTo(1L);
  }

  @Test
  void keyHashIsUnique() {
    ApiKeyMapper keys = mapper(ApiKeyMapper.class);
    ApiKeyRow first = new ApiKeyRow("d".repeat(64), "rk_1", "acc-1", false, AT);
    inTx(() -> keys.insert(first));

    assertThatThrownBy(
            () -> inTx(() -> keys.insert(new ApiKeyRow("d".repeat(64), "rk_2", null, true, AT))))
        .matches(Transactions::isDuplicateKey, "is a duplicate key");
    assertThat(inTx(() -> keys.findByHash("d".repeat(64)))).isEqualTo(first);
  }
}
