package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdempotencyMapperTest extends RepositoryTestBase {
  private static final Instant STARTED = Instant.parse("2027-01-31T15:59:59.123Z");
  private static final Instant EXPIRES = STARTED.plus(Duration.ofHours(24));
  private static final String METHOD = "RenewInstances";
  private static final String TOKEN = "7".repeat(64);
  private static final String REQUEST = "f".repeat(64);

  private static IdempotencyRow inProgress(
      String account, String method, String token, Instant started, Instant expires) {
    return new IdempotencyRow(
        account, method, token, REQUEST, "IN_PROGRESS", null, started, expires);
  }

  private IdempotencyMapper records() {
    return mapper(IdempotencyMapper.class);
  }

  private IdempotencyRow find(String account, String method, String token) {
    return inTx(() -> records().find(account, method, token));
  }

  private long count() {
    return rawLong("SELECT COUNT(*) FROM idempotency_record");
  }

  @Test
  void insertThenFind() {
    inTx(() -> records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, EXPIRES)));

    IdempotencyRow row = find("acc-1", METHOD, TOKEN);

    assertThat(row.accountId()).isEqualTo("acc-1");
    assertThat(row.method()).isEqualTo(METHOD);
    assertThat(row.tokenHash()).isEqualTo(TOKEN);
    assertThat(row.requestHash()).isEqualTo(REQUEST);
    assertThat(row.state()).isEqualTo("IN_PROGRESS");
    assertThat(row.response()).isNull();
    assertThat(row.startedTime()).isEqualTo(STARTED);
    assertThat(row.expiresTime()).isEqualTo(EXPIRES);
    assertThat(find("acc-2", METHOD, TOKEN)).isNull();
    assertThat(find("acc-1", "SetAutoRenew", TOKEN)).isNull();
    assertThat(find("acc-1", METHOD, "8".repeat(64))).isNull();
  }

  @Test
  void duplicateKeyIsRecognisedAndKeepsTheFirstRow() {
    inTx(() -> records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, EXPIRES)));
    IdempotencyRow again =
        new IdempotencyRow(
            "acc-1",
            METHOD,
            TOKEN,
            "0".repeat(64),
            "IN_PROGRESS",
            null,
            STARTED.plusSeconds(5),
            EXPIRES.plusSeconds(5));

    assertThatThrownBy(() -> inTx(() -> records().insert(again)))
        .matches(Transactions::isDuplicateKey, "is recognised as a duplicate key");

    IdempotencyRow kept = find("acc-1", METHOD, TOKEN);
    assertThat(kept.requestHash()).isEqualTo(REQUEST);
    assertThat(kept.startedTime()).isEqualTo(STARTED);
    assertThat(count()).isEqualTo(1L);
  }

  @Test
  void theSameTokenIsFreeForAnotherAccountOrMethod() {
    inTx(
        () -> {
          records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, EXPIRES));
          records().insert(inProgress("acc-2", METHOD, TOKEN, STARTED, EXPIRES));
          records().insert(inProgress("acc-1", "SetAutoRenew", TOKEN, STARTED, EXPIRES));
        });

    assertThat(count()).isEqualTo(3L);
  }

  @Test
  void completeStoresTheResponseBytesExactly() {
    byte[] response = new byte[20 * 1024 + 7];
    new Random(42).nextBytes(response);
    response[0] = 0;
    response[1] = (byte) 0xff;
    inTx(() -> records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, EXPIRES)));

    assertThat(inTx(() -> records().complete("acc-1", METHOD, TOKEN, response))).isEqualTo(1);

    IdempotencyRow row = find("acc-1", METHOD, TOKEN);
    assertThat(row.state()).isEqualTo("COMPLETED");
    assertThat(row.response()).isEqualTo(response);
    assertThat(row.startedTime()).isEqualTo(STARTED);
    assertThat(row.expiresTime()).isEqualTo(EXPIRES);
  }

  @Test
  void completeHappensOnceAndOnlyForAnInProgressRow() {
    inTx(() -> records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, EXPIRES)));
    byte[] first = {1, 2, 3};

    assertThat(inTx(() -> records().complete("acc-1", METHOD, TOKEN, first))).isEqualTo(1);
    assertThat(inTx(() -> records().complete("acc-1", METHOD, TOKEN, new byte[] {9}))).isZero();
    assertThat(inTx(() -> records().complete("acc-2", METHOD, TOKEN, new byte[] {9}))).isZero();

    assertThat(find("acc-1", METHOD, TOKEN).response()).isEqualTo(first);
  }

  @Test
  void anEmptyResponseIsStoredAsEmptyNotNull() {
    inTx(() -> records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, EXPIRES)));

    assertThat(inTx(() -> records().complete("acc-1", METHOD, TOKEN, new byte[0]))).isEqualTo(1);

    IdempotencyRow row = find("acc-1", METHOD, TOKEN);
    assertThat(row.state()).isEqualTo("COMPLETED");
    assertThat(row.response()).isNotNull().isEmpty();
  }

  @Test
  void restartSucceedsOnlyWithTheMatchingStartedTime() {
    inTx(() -> records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, EXPIRES)));
    Instant now = STARTED.plus(Duration.ofMinutes(10));
    Instant newExpiry = now.plus(Duration.ofHours(24));

    assertThat(
            inTx(
                () ->
                    records()
                        .restart("acc-1", METHOD, TOKEN, STARTED.plusMillis(1), now, newExpiry)))
        .isZero();
    assertThat(
            inTx(
                () ->
                    records()
                        .restart("acc-1", METHOD, TOKEN, STARTED.minusMillis(1), now, newExpiry)))
        .isZero();
    assertThat(find("acc-1", METHOD, TOKEN).startedTime()).isEqualTo(STARTED);

    assertThat(inTx(() -> records().restart("acc-1", METHOD, TOKEN, STARTED, now, newExpiry)))
        .isEqualTo(1);
    IdempotencyRow row = find("acc-1", METHOD, TOKEN);
    assertThat(row.startedTime()).isEqualTo(now);
    assertThat(row.expiresTime()).isEqualTo(newExpiry);
    assertThat(row.state()).isEqualTo("IN_PROGRESS");

    // A second taker that read the old marker loses.
    assertThat(
            inTx(
                () ->
                    records()
                        .restart("acc-1", METHOD, TOKEN, STARTED, now.plusSeconds(1), newExpiry)))
        .isZero();
    assertThat(find("acc-1", METHOD, TOKEN).startedTime()).isEqualTo(now);
  }

  @Test
  void restartDoesNotTouchACompletedRow() {
    inTx(
        () -> {
          records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, EXPIRES));
          records().complete("acc-1", METHOD, TOKEN, new byte[] {7});
        });

    assertThat(
            inTx(
                () ->
                    records()
                        .restart(
                            "acc-1", METHOD, TOKEN, STARTED, STARTED.plusSeconds(60), EXPIRES)))
        .isZero();
    assertThat(find("acc-1", METHOD, TOKEN).startedTime()).isEqualTo(STARTED);
  }

  @Test
  void deleteExpiredRemovesTheKeyOnlyOnceItExpired() {
    String other = "9".repeat(64);
    inTx(
        () -> {
          records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, EXPIRES));
          records().insert(inProgress("acc-1", METHOD, other, STARTED, STARTED.plusSeconds(1)));
          records().complete("acc-1", METHOD, TOKEN, new byte[] {1});
        });

    assertThat(inTx(() -> records().deleteExpired("acc-1", METHOD, TOKEN, EXPIRES.minusMillis(1))))
        .isZero();
    assertThat(find("acc-1", METHOD, TOKEN)).isNotNull();
    // Expiry is inclusive: at the instant itself the key is gone. Completed keys expire too.
    assertThat(inTx(() -> records().deleteExpired("acc-1", METHOD, TOKEN, EXPIRES))).isEqualTo(1);
    assertThat(find("acc-1", METHOD, TOKEN)).isNull();
    // Only the named key: the other, long expired, stays.
    assertThat(find("acc-1", METHOD, other)).isNotNull();
  }

  @Test
  void purgeExpiredDeletesAtMostLimitExpiredRows() {
    Instant now = EXPIRES;
    inTx(
        () -> {
          for (int i = 0; i < 5; i++) {
            records()
                .insert(
                    inProgress(
                        "acc-1", METHOD, "%064d".formatted(i), STARTED, now.minusSeconds(i + 1)));
          }
          records().insert(inProgress("acc-2", METHOD, TOKEN, STARTED, now)); // expires exactly now
          records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, now.plusMillis(1)));
          records()
              .insert(inProgress("acc-3", METHOD, TOKEN, STARTED, now.plus(Duration.ofDays(1))));
        });
    assertThat(count()).isEqualTo(8L);

    assertThat(inTx(() -> records().purgeExpired(now, 4))).isEqualTo(4);
    assertThat(count()).isEqualTo(4L);
    assertThat(inTx(() -> records().purgeExpired(now, 4))).isEqualTo(2);
    assertThat(inTx(() -> records().purgeExpired(now, 4))).isZero();

    assertThat(count()).isEqualTo(2L);
    assertThat(find("acc-1", METHOD, TOKEN)).isNotNull();
    assertThat(find("acc-3", METHOD, TOKEN)).isNotNull();
  }

  @Test
  void purgeExpiredWithLimitOne() {
    inTx(
        () -> {
          records().insert(inProgress("acc-1", METHOD, TOKEN, STARTED, STARTED));
          records().insert(inProgress("acc-2", METHOD, TOKEN, STARTED, STARTED));
        });

    assertThat(inTx(() -> records().purgeExpired(EXPIRES, 1))).isEqualTo(1);
    assertThat(count()).isEqualTo(1L);
  }
}
