package com.cvmbilling.renewal.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tier.Unit
class ApiKeyRulesTest {
  static final Instant NOW = Instant.parse("2027-01-10T04:00:00Z");

  @ParameterizedTest
  @ValueSource(strings = {"a", "ops-alice", "ci.deploy_2", "A23456789012345678901234567890"})
  void goodNames(String name) {
    assertThat(ApiKeyRules.validateName(name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bootstrap", "with space", "ünïcode", "a/b"})
  void badNames(String name) {
    ApiException e = Errors.catchApi(() -> ApiKeyRules.validateName(name));
    assertThat(e.reason()).isEqualTo(ErrorReason.INVALID_KEY_NAME);
  }

  @Test
  void nameLengthIsAtMost64() {
    assertThat(ApiKeyRules.validateName("n".repeat(64))).hasSize(64);
    assertThat(Errors.catchApi(() -> ApiKeyRules.validateName("n".repeat(65))).reason())
        .isEqualTo(ErrorReason.INVALID_KEY_NAME);
  }

  @Test
  void descriptionIsAtMost256CharactersAndEmptyIsNone() {
    assertThat(ApiKeyRules.validateDescription("")).isNull();
    assertThat(ApiKeyRules.validateDescription("好".repeat(256))).hasSize(256);
    assertThat(Errors.catchApi(() -> ApiKeyRules.validateDescription("x".repeat(257))).reason())
        .isEqualTo(ErrorReason.INVALID_DESCRIPTION);
  }

  @Test
  void expiryMustBeInTheFutureAndIsExactAfterwards() {
    assertThat(ApiKeyRules.validateExpireTime(null, NOW)).isNull();
    assertThat(ApiKeyRules.validateExpireTime(NOW.plusMillis(1), NOW)).isEqualTo(NOW.plusMillis(1));
    assertThat(Errors.catchApi(() -> ApiKeyRules.validateExpireTime(NOW, NOW)).reason())
        .isEqualTo(ErrorReason.INVALID_EXPIRE_TIME);
    assertThat(ApiKeyRules.expired(null, NOW)).isFalse();
    assertThat(ApiKeyRules.expired(NOW.plusMillis(1), NOW)).isFalse();
    assertThat(ApiKeyRules.expired(NOW, NOW)).isTrue();
  }

  @Test
  void keyIds() {
    assertThat(ApiKeyRules.validateKeyId("key-0123456789abcdef0123")).isNotNull();
    for (String bad : new String[] {"", "key-", "KEY-01", "key-0123456789ABCDEF", "rk_x"}) {
      assertThat(Errors.catchApi(() -> ApiKeyRules.validateKeyId(bad)).reason())
          .as(bad)
          .isEqualTo(ErrorReason.INVALID_KEY_ID);
    }
  }
}
