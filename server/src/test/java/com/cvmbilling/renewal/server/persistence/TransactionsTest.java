package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.config.DatabaseOptions;
import com.cvmbilling.renewal.server.domain.BillingRecord;
import com.cvmbilling.renewal.server.domain.BillingRecordType;
import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Event;
import com.cvmbilling.renewal.server.domain.EventType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionsTest extends RepositoryTestBase {
  private static final Instant AT = Instant.parse("2027-01-31T15:59:59.123Z");

  private static Instance instance(String id, String account) {
    return new Instance(
        id,
        account,
        "S5.SMALL2",
        ChargeType.PREPAID,
        InstanceState.RUNNING,
        AT,
        AT.plusSeconds(86_400),
        1,
        null,
        null,
        RenewFlag.NOTIFY_AND_MANUAL_RENEW,
        1,
        1,
        1);
  }

  private long rows(String table) {
    return rawLong("SELECT COUNT(*) FROM " + table);
  }

  private Long balance(String account) {
    return rawLong("SELECT balance_fen FROM account WHERE account_id = ?", account);
  }

  @Test
  void aRuntimeExceptionRollsBackEveryWrite() {
    insertAccount("acc-1", 10_000);
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(
            () ->
                inTx(
                    () -> {
                      mapper(AccountMapper.class).insert(account("acc-2", 500));
                      assertThat(mapper(AccountMapper.class).debit("acc-1", 4_000)).isEqualTo(1);
                      mapper(InstanceMapper.class).insert(instance("ins-a0000001", "acc-1"));
                      mapper(BillingRecordMapper.class)
                          .insert(
                              new BillingRecord(
                                  0,
                                  "acc-1",
                                  "ord-1",
                                  BillingRecordType.RENEW,
                                  -4_000,
                                  6_000,
                                  "ins-a0000001",
                                  AT));
                      mapper(EventMapper.class)
                          .insert(
                              new Event(
                                  0,
                                  "acc-1",
                                  EventType.RENEWED,
                                  "ins-a0000001",
                                  AT,
                                  AT,
                                  0,
                                  "ord-1"));
                      mapper(IdempotencyMapper.class)
                          .insert(
                              new IdempotencyRow(
                                  "acc-1",
                                  "RenewInstances",
                                  "a".repeat(64),
                                  "b".repeat(64),
                                  "IN_PROGRESS",
                                  null,
                                  AT,
                                  AT));
                      // Inside the transaction the writes are visible...
                      assertThat(mapper(AccountMapper.class).balance("acc-1")).isEqualTo(6_000L);
                      throw boom;
                    }))
        .isSameAs(boom);

    // ...after the rollback none of them is.
    assertThat(balance("acc-1")).isEqualTo(10_000L);
    assertThat(rows("account")).isEqualTo(1L);
    assertThat(rows("instance")).isZero();
    assertThat(rows("billing_record")).isZero();
    assertThat(rows("instance_event")).isZero();
    assertThat(rows("idempotency_record")).isZero();
  }

  @Test
  void aFailedStatementRollsBackTheEarlierWritesToo() {
    insertAccount("acc-1", 10_000);

    assertThatThrownBy(
            () ->
                inTx(
                    () -> {
                      assertThat(mapper(AccountMapper.class).debit("acc-1", 1_000)).isEqualTo(1);
                      mapper(InstanceMapper.class).insert(instance("ins-a0000001", "acc-1"));
                      mapper(InstanceMapper.class)
                          .insert(instance("ins-a0000001", "acc-1")); // duplicate key
                    }))
        .matches(Transactions::isDuplicateKey, "is a duplicate key");

    assertThat(balance("acc-1")).isEqualTo(10_000L);
    assertThat(rows("instance")).isZero();
  }

  @Test
  void apiExceptionsPassThroughUnchanged() {
    ApiException notFound =
        ApiException.of(ErrorReason.ACCOUNT_NOT_FOUND, "no such account").build();

    assertThatThrownBy(
            () ->
                inTx(
                    () -> {
                      mapper(AccountMapper.class).insert(account("acc-1", 1));
                      throw notFound;
                    }))
        .isSameAs(notFound);
    assertThat(rows("account")).isZero();
  }

  @Test
  void writesBecomeVisibleToOtherConnectionsOnlyAtCommit() {
    inTx(
        () -> {
          mapper(AccountMapper.class).insert(account("acc-1", 1));
          assertThat(rows("account")).as("uncommitted, seen from another connection").isZero();
        });

    assertThat(rows("account")).isEqualTo(1L);
  }

  @Test
  void nestedCallsJoinTheOuterTransaction() {
    assertThatThrownBy(
            () ->
                inTx(
                    () -> {
                      mapper(AccountMapper.class).insert(account("acc-1", 1_000));
                      String inner =
                          inTx(
                              () -> {
                                // The inner call sees the outer, uncommitted write: same
                                // connection.
                                assertThat(mapper(AccountMapper.class).find("acc-1")).isNotNull();
                                mapper(AccountMapper.class).insert(account("acc-2", 2_000));
                                assertThat(mapper(AccountMapper.class).debit("acc-1", 400))
                                    .isEqualTo(1);
                                return "inner done";
                              });
                      assertThat(inner).isEqualTo("inner done");
                      // The inner call returning did not commit anything.
                      assertThat(rows("account")).isZero();
                      throw new IllegalStateException("outer fails after the inner call returned");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(rows("account")).isZero();
  }

  @Test
  void nestedCallsCommitWithTheOuterTransaction() {
    inTx(
        () -> {
          mapper(AccountMapper.class).insert(account("acc-1", 1_000));
          inTx(
              () -> {
                mapper(AccountMapper.class).insert(account("acc-2", 2_000));
              });
          assertThat(mapper(AccountMapper.class).debit("acc-2", 500)).isEqualTo(1);
        });

    assertThat(balance("acc-1")).isEqualTo(1_000L);
    assertThat(balance("acc-2")).isEqualTo(1_500L);
  }

  @Test
  void anInnerExceptionPropagatesAndRollsBackTheOuterWork() {
    IllegalArgumentException inner = new IllegalArgumentException("inner");

    assertThatThrownBy(
            () ->
                inTx(
                    () -> {
                      mapper(AccountMapper.class).insert(account("acc-1", 1_000));
                      inTx(
                          () -> {
                            mapper(AccountMapper.class).insert(account("acc-2", 2_000));
                            throw inner;
                          });
                    }))
        .isSameAs(inner);

    assertThat(rows("account")).isZero();
  }

  @Test
  void theNextTransactionOnTheThreadStartsCleanAfterAFailure() {
    assertThatThrownBy(
            () ->
                inTx(
                    () -> {
                      mapper(AccountMapper.class).insert(account("acc-1", 1));
                      throw new IllegalStateException();
                    }))
        .isInstanceOf(IllegalStateException.class);

    inTx(() -> mapper(AccountMapper.class).insert(account("acc-2", 2)));

    assertThat(rows("account")).isEqualTo(1L);
    assertThat(balance("acc-2")).isEqualTo(2L);
  }

  @Test
  void theCheckConstraintRejectsADirectNegativeBalance() {
    insertAccount("acc-1", 100);

    assertThatThrownBy(
            () -> rawUpdate("UPDATE account SET balance_fen = -1 WHERE account_id = ?", "acc-1"))
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(
            () ->
                rawUpdate(
                    "UPDATE account SET balance_fen = balance_fen - 101 WHERE account_id = ?",
                    "acc-1"))
        .isInstanceOf(SQLException.class);
    assertThat(balance("acc-1")).isEqualTo(100L);
  }

  @Test
  void theCheckConstraintAlsoStopsWritesThroughMappers() {
    insertAccount("acc-1", 100);

    // credit() has no guard of its own: a negative "credit" is stopped only by the constraint.
    assertThatThrownBy(
            () ->
                inTx(
                    () -> {
                      assertThat(mapper(AccountMapper.class).debit("acc-1", 50)).isEqualTo(1);
                      mapper(AccountMapper.class).credit("acc-1", -51);
                    }))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> inTx(() -> mapper(AccountMapper.class).insert(account("acc-2", -1))))
        .isInstanceOf(RuntimeException.class);

    assertThat(balance("acc-1")).isEqualTo(100L);
    assertThat(rawLong("SELECT COUNT(*) FROM account WHERE account_id = 'acc-2'")).isZero();
    assertThat(inTx(() -> mapper(AccountMapper.class).credit("acc-1", -100))).isEqualTo(1);
    assertThat(balance("acc-1")).isZero();
  }

  @Test
  void returnsTheWorksResult() {
    insertAccount("acc-1", 42);

    List<Long> result = inTx(() -> List.of(mapper(AccountMapper.class).balance("acc-1")));

    assertThat(result).containsExactly(42L);
  }

  /** What a Galera node answers at COMMIT when another node wrote the same rows first. */
  private static RuntimeException certificationFailure() {
    return new RuntimeException(
        new SQLException(
            "Deadlock found when trying to get lock; try restarting transaction", "40001", 1213));
  }

  @Test
  void aCertificationConflictReRunsTheWholeUnitAndRollsBackEachFailedRun() {
    insertAccount("acc-1", 10_000);
    long rerunsBefore = tx.conflictReruns();
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();

    long balance =
        inTx(
            () -> {
              mapper(AccountMapper.class).debit("acc-1", 1_000);
              if (runs.incrementAndGet() < 3) {
                throw certificationFailure();
              }
              return mapper(AccountMapper.class).balance("acc-1");
            });

    // Three runs, one debit: the failed runs' writes were rolled back.
    assertThat(runs).hasValue(3);
    assertThat(balance).isEqualTo(9_000L);
    assertThat(balance("acc-1")).isEqualTo(9_000L);
    assertThat(tx.conflictReruns() - rerunsBefore).isEqualTo(2);
  }

  @Test
  void aConflictOnEveryRunEndsAsConcurrentModification() {
    insertAccount("acc-1", 10_000);
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();

    assertThatThrownBy(
            () ->
                inTx(
                    () -> {
                      runs.incrementAndGet();
                      mapper(AccountMapper.class).debit("acc-1", 1_000);
                      throw certificationFailure();
                    }))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.reason()).isEqualTo(ErrorReason.CONCURRENT_MODIFICATION));
    assertThat(runs).hasValue(DatabaseOptions.defaultTransactions().maxAttempts());
    assertThat(balance("acc-1")).isEqualTo(10_000L);
  }

  @Test
  void aCallWithTimeLeftKeepsReRunningPastTheAttemptCount() {
    insertAccount("acc-1", 10_000);
    int attempts = DatabaseOptions.defaultTransactions().maxAttempts();
    Transactions withDeadline =
        new Transactions(
            injector.getInstance(org.apache.ibatis.session.SqlSessionManager.class),
            DatabaseOptions.defaultTransactions(),
            () -> 60_000);
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();

    long balance =
        withDeadline.inTransaction(
            () -> {
              mapper(AccountMapper.class).debit("acc-1", 1_000);
              if (runs.incrementAndGet() <= attempts + 2) {
                throw certificationFailure();
              }
              return mapper(AccountMapper.class).balance("acc-1");
            });

    assertThat(runs).hasValue(attempts + 3);
    assertThat(balance).isEqualTo(9_000L);
  }
}
