package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CatalogAndApiKeyMapperTest extends RepositoryTestBase {
  private static final Instant AT = Instant.parse("2027-01-31T15:59:59.123Z");

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
