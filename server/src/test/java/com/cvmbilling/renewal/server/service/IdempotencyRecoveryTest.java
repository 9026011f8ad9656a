package com.cvmbilling.renewal.server.service;

import static com.cvmbilling.renewal.server.testing.TestServer.fen;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.persistence.IdempotencyMapper;
import com.cvmbilling.renewal.server.persistence.IdempotencyRow;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.support.Hashing;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.MutableClock;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The time-dependent parts of {@link IdempotencyService}, on a clock the test moves: a marker left
 * IN_PROGRESS by a process that died is honoured for the lease and then taken over (charging once),
 * and a completed key replays for the whole 24 h retention (SPEC 6: "kept at least 24 h").
 */
@Tier.H2
@Tier.MariaDb
class IdempotencyRecoveryTest {
  private static final long MONTHLY_FEN = 6_000;

  private TestDatabases.TestDatabase db;
  private TestServer server;
  private MutableClock clock;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private TestAccount start(Kind kind) {
    db = TestDatabases.create(kind);
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    server = new TestServer(db.settings(), clock);
    return server.createAccount(100_000);
  }

  private List<String> prepaid(TestAccount account) {
    return server
        .createPrepaid(account, "S5.SMALL2", 1, 1, clock.instant().plus(Duration.ofDays(10)))
        .stream()
        .map(Instance::getInstanceId)
        .toList();
  }

  private long balance(TestAccount account) {
    return fen(
        server
            .tenant(account)
            .describeAccount(DescribeAccountRequest.getDefaultInstance())
            .getAccount()
            .getBalance());
  }

  private long renewRecords(TestAccount account) {
    return server
        .tenant(account)
        .describeBillingRecords(DescribeBillingRecordsRequest.newBuilder().setPageSize(100).build())
        .getRecordsList()
        .stream()
        .filter(r -> r.getType() == BillingRecord.Type.RENEW)
        .count();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aMarkerLeftByACrashedProcessIsTakenOverAfterTheLease(Kind kind) {
    TestAccount acct = start(kind);
    List<String> ids = prepaid(acct);
    RenewInstancesRequest request =
        RenewInstancesRequest.newBuilder()
            .addAllInstanceIds(ids)
            .setPeriodMonths(1)
            .setClientToken("crashed")
            .build();
    // What a process that died between claiming the key and committing its work leaves behind.
    Instant crashedAt = clock.instant();
    server
        .server()
        .injector()
        .getInstance(Transactions.class)
        .inTransaction(
            () ->
                server
                    .server()
                    .injector()
                    .getInstance(IdempotencyMapper.class)
                    .insert(
                        new IdempotencyRow(
                            acct.accountId(),
                            "RenewInstances",
                            Hashing.sha256Hex("crashed"),
                            IdempotencyService.fingerprint(request),
                            IdempotencyService.IN_PROGRESS,
                            null,
                            crashedAt,
                            crashedAt.plus(Duration.ofHours(24)))));

    Errors.assertError(
        Status.Code.ABORTED,
        "REQUEST_IN_PROGRESS",
        () -> server.tenant(acct).renewInstances(request));
    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "IDEMPOTENCY_KEY_REUSED",
        () -> server.tenant(acct).renewInstances(request.toBuilder().setPeriodMonths(2).build()));
    clock.advance(Duration.ofSeconds(119));
    Errors.assertError(
        Status.Code.ABORTED,
        "REQUEST_IN_PROGRESS",
        () -> server.tenant(acct).renewInstances(request));
    assertThat(balance(acct)).isEqualTo(100_000);

    clock.advance(Duration.ofSeconds(2)); // past the 2 minute lease
    RenewInstancesResponse taken = server.tenant(acct).renewInstances(request);
    assertThat(taken.getOrderId()).isNotEmpty();
    assertThat(server.tenant(acct).renewInstances(request)).isEqualTo(taken);
    assertThat(balance(acct)).isEqualTo(100_000 - MONTHLY_FEN);
    assertThat(renewRecords(acct)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aCompletedKeyReplaysForTheWholeRetention(Kind kind) {
    TestAccount acct = start(kind);
    List<String> ids = prepaid(acct);
    RenewInstancesRequest request =
        RenewInstancesRequest.newBuilder()
            .addAllInstanceIds(ids)
            .setPeriodMonths(1)
            .setClientToken("day-long")
            .build();
    RenewInstancesResponse first = server.tenant(acct).renewInstances(request);

    clock.advance(Duration.ofHours(24).minusSeconds(1));
    assertThat(server.tenant(acct).renewInstances(request)).isEqualTo(first);
    assertThat(server.server().injector().getInstance(IdempotencyService.class).purgeExpired(100))
        .as("nothing is purged before its 24 h are up")
        .isZero();
    assertThat(server.tenant(acct).renewInstances(request)).isEqualTo(first);
    assertThat(balance(acct)).isEqualTo(100_000 - MONTHLY_FEN);
    assertThat(renewRecords(acct)).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    assertThat(server.server().injector().getInstance(IdempotencyService.class).purgeExpired(100))
        .as("purged once expired")
        .isEqualTo(1);
  }
}
