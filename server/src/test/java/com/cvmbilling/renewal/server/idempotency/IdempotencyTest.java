package com.cvmbilling.renewal.server.idempotency;

import static com.cvmbilling.renewal.server.testing.TestServer.fen;
import static com.cvmbilling.renewal.server.testing.TestServer.money;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.CreateInstancesResponse;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsResponse;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import com.cvmbilling.renewal.v1.SetAutoRenewResponse;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryResponse;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import com.cvmbilling.renewal.v1.TerminateInstancesResponse;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceResponse;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SPEC 6 idempotency through the public API, on H2 and MariaDB: scope (account, method, token),
 * replay of the stored response, KEY_REUSED for another request, failures not stored, survival
 * across a restart, exact (case-sensitive) token matching, and concurrent repeats.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@Tier.H2
@Tier.MariaDb
class IdempotencyTest {
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  /** S5.SMALL2 (50.00) + 1 Mbps (10.00) per month. */
  private static final long MONTHLY_FEN = 6_000;

  private TestDatabases.TestDatabase db;
  private TestServer server;

  private void start(Kind kind) {
    db = TestDatabases.create(kind);
    server = new TestServer(db.settings());
  }

  /** Stops the server and starts a new one (new pool, new Guice graph) on the same database. */
  private void restart() {
    server.close();
    server = null;
    server = new TestServer(db.settings());
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (db != null) {
      db.close();
    }
  }

  /** 10:30 local time in ten days: not on a day boundary, so aligning it always costs something. */
  private static Instant expiry() {
    return LocalDate.now(ZONE).plusDays(10).atTime(10, 30).atZone(ZONE).toInstant();
  }

  private List<String> prepaid(TestAccount account, int count) {
    return server.createPrepaid(account, "S5.SMALL2", 1, count, expiry()).stream()
        .map(Instance::getInstanceId)
        .toList();
  }

  private static RenewInstancesRequest renew(List<String> ids, int months, String token) {
    return RenewInstancesRequest.newBuilder()
        .addAllInstanceIds(ids)
        .setPeriodMonths(months)
        .setClientToken(token)
        .build();
  }

  private long balance(TestAccount account) {
    return fen(
        server
            .tenant(account)
            .describeAccount(DescribeAccountRequest.getDefaultInstance())
            .getAccount()
            .getBalance());
  }

  private List<BillingRecord> records(TestAccount account) {
    List<BillingRecord> all = new ArrayList<>();
    String token = "";
    do {
      DescribeBillingRecordsResponse page =
          server
              .tenant(account)
              .describeBillingRecords(
                  DescribeBillingRecordsRequest.newBuilder()
                      .setPageSize(100)
                      .setPageToken(token)
                      .build());
      all.addAll(page.getRecordsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private List<BillingRecord> records(TestAccount account, BillingRecord.Type type) {
    return records(account).stream().filter(r -> r.getType() == type).toList();
  }

  private List<Event> events(TestAccount account, Event.Type type) {
    return server
        .tenant(account)
        .listEvents(ListEventsRequest.newBuilder().setPageSize(100).build())
        .getEventsList()
        .stream()
        .filter(e -> e.getType() == type)
        .toList();
  }

  private Instance describe(TestAccount account, String id) {
    List<Instance> found =
        server
            .tenant(account)
            .describeInstances(DescribeInstancesRequest.newBuilder().addInstanceIds(id).build())
            .getInstancesList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  // ---------------------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Kind.class)
  void repeatReturnsTheStoredResponseAndChargesOnce(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 2);
    RenewInstancesRequest request = renew(ids, 2, "renew-1");

    RenewInstancesResponse first = server.tenant(acct).renewInstances(request);
    RenewInstancesResponse second = server.tenant(acct).renewInstances(request);

    assertThat(second).isEqualTo(first);
    assertThat(fen(first.getTotalPrice())).isEqualTo(2 * 2 * MONTHLY_FEN);
    assertThat(balance(acct)).isEqualTo(100_000 - 2 * 2 * MONTHLY_FEN);
    List<BillingRecord> renewRows = records(acct, BillingRecord.Type.RENEW);
    assertThat(renewRows).hasSize(1);
    assertThat(renewRows.get(0).getOrderId()).isEqualTo(first.getOrderId());
    assertThat(events(acct, Event.Type.RENEWED)).hasSize(2);
    assertThat(describe(acct, ids.get(0)).getExpiredTime())
        .as("renewed once, not twice")
        .isEqualTo(first.getRenewals(0).getNewExpiredTime());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void repeatAfterARestartReturnsTheStoredResponse(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 1);
    RenewInstancesRequest request = renew(ids, 1, "survives-restart");
    RenewInstancesResponse first = server.tenant(acct).renewInstances(request);

    restart();

    assertThat(server.tenant(acct).renewInstances(request)).isEqualTo(first);
    assertThat(balance(acct)).isEqualTo(100_000 - MONTHLY_FEN);
    assertThat(records(acct, BillingRecord.Type.RENEW)).hasSize(1);
    // The other idempotent rules still hold on the new server.
    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "IDEMPOTENCY_KEY_REUSED",
        () -> server.tenant(acct).renewInstances(renew(ids, 3, "survives-restart")));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void sameTokenWithAnotherRequestIsRejectedAndChargesNothing(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 2);
    RenewInstancesResponse first =
        server.tenant(acct).renewInstances(renew(ids.subList(0, 1), 1, "tok"));
    long balanceAfterFirst = balance(acct);

    StatusRuntimeException reused =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            StatusRuntimeException.class,
            () -> server.tenant(acct).renewInstances(renew(ids.subList(0, 1), 2, "tok")));
    assertThat(Errors.errorInfo(reused).getReason()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(reused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    BadRequest bad = Errors.badRequest(reused);
    assertThat(bad).isNotNull();
    assertThat(bad.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField)
        .contains("client_token");
    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "IDEMPOTENCY_KEY_REUSED",
        () -> server.tenant(acct).renewInstances(renew(ids, 1, "tok")));
    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "IDEMPOTENCY_KEY_REUSED",
        () ->
            server
                .tenant(acct)
                .renewInstances(
                    renew(ids.subList(0, 1), 1, "tok").toBuilder().setBandwidthMbps(2).build()));

    assertThat(balance(acct)).isEqualTo(balanceAfterFirst);
    assertThat(records(acct, BillingRecord.Type.RENEW)).hasSize(1);
    assertThat(describe(acct, ids.get(1)).getExpiredTime())
        .isEqualTo(TestServer.timestamp(expiry()));
    // The original request still replays.
    assertThat(server.tenant(acct).renewInstances(renew(ids.subList(0, 1), 1, "tok")))
        .isEqualTo(first);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aFailedCallIsNotStoredAndCanBeRetriedAfterTheCauseIsFixed(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(MONTHLY_FEN - 1);
    List<String> ids = prepaid(acct, 1);
    RenewInstancesRequest request = renew(ids, 1, "retry-me");

    Errors.assertError(
        Status.Code.FAILED_PRECONDITION,
        "INSUFFICIENT_BALANCE",
        () -> server.tenant(acct).renewInstances(request));
    // Still nothing stored: the same token fails the same way, not REQUEST_IN_PROGRESS or a replay.
    Errors.assertError(
        Status.Code.FAILED_PRECONDITION,
        "INSUFFICIENT_BALANCE",
        () -> server.tenant(acct).renewInstances(request));
    assertThat(balance(acct)).isEqualTo(MONTHLY_FEN - 1);
    assertThat(records(acct, BillingRecord.Type.RENEW)).isEmpty();
    assertThat(describe(acct, ids.get(0)).getExpiredTime())
        .isEqualTo(TestServer.timestamp(expiry()));

    server
        .admin()
        .topUpBalance(
            TopUpBalanceRequest.newBuilder()
                .setAccountId(acct.accountId())
                .setAmount(money(10_000))
                .setClientToken("top-up-1")
                .build());
    RenewInstancesResponse ok = server.tenant(acct).renewInstances(request);
    assertThat(ok.getOrderId()).isNotEmpty();
    assertThat(server.tenant(acct).renewInstances(request)).isEqualTo(ok);
    assertThat(balance(acct)).isEqualTo(MONTHLY_FEN - 1 + 10_000 - MONTHLY_FEN);
    assertThat(records(acct, BillingRecord.Type.RENEW)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tokensAreScopedPerAccount(Kind kind) {
    start(kind);
    TestAccount a = server.createAccount(100_000);
    TestAccount b = server.createAccount(100_000);
    List<String> idsA = prepaid(a, 1);
    List<String> idsB = prepaid(b, 1);

    RenewInstancesResponse ra = server.tenant(a).renewInstances(renew(idsA, 1, "shared"));
    // Another account, another request body: not KEY_REUSED, and not A's response either.
    RenewInstancesResponse rb = server.tenant(b).renewInstances(renew(idsB, 1, "shared"));

    assertThat(rb.getOrderId()).isNotEqualTo(ra.getOrderId());
    assertThat(rb.getRenewals(0).getInstanceId()).isEqualTo(idsB.get(0));
    assertThat(balance(a)).isEqualTo(100_000 - MONTHLY_FEN);
    assertThat(balance(b)).isEqualTo(100_000 - MONTHLY_FEN);

    // Admin calls are scoped to the target account as well.
    TopUpBalanceRequest.Builder topUp =
        TopUpBalanceRequest.newBuilder().setAmount(money(500)).setClientToken("admin-tok");
    server.admin().topUpBalance(topUp.setAccountId(a.accountId()).build());
    server.admin().topUpBalance(topUp.setAccountId(b.accountId()).build());
    assertThat(balance(a)).isEqualTo(100_000 - MONTHLY_FEN + 500);
    assertThat(balance(b)).isEqualTo(100_000 - MONTHLY_FEN + 500);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tokensAreScopedPerMethod(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 1);

    RenewInstancesResponse renewed = server.tenant(acct).renewInstances(renew(ids, 1, "one-token"));
    SetAutoRenewResponse flagged =
        server
            .tenant(acct)
            .setAutoRenew(
                SetAutoRenewRequest.newBuilder()
                    .addAllInstanceIds(ids)
                    .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                    .setClientToken("one-token")
                    .build());
    SetUnifiedExpiryResponse aligned =
        server
            .tenant(acct)
            .setUnifiedExpiry(
                SetUnifiedExpiryRequest.newBuilder()
                    .addAllInstanceIds(ids)
                    .setExpiryDay(1)
                    .setClientToken("one-token")
                    .build());
    TopUpBalanceResponse topped =
        server
            .admin()
            .topUpBalance(
                TopUpBalanceRequest.newBuilder()
                    .setAccountId(acct.accountId())
                    .setAmount(money(100))
                    .setClientToken("one-token")
                    .build());

    assertThat(flagged.getInstances(0).getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_AUTO_RENEW);
    assertThat(aligned.getRenewals(0).getOldExpiredTime())
        .isEqualTo(renewed.getRenewals(0).getNewExpiredTime());
    assertThat(aligned.getOrderId()).isNotEmpty().isNotEqualTo(renewed.getOrderId());
    long expected = 100_000 - MONTHLY_FEN - fen(aligned.getTotalPrice()) + 100;
    assertThat(fen(topped.getAccount().getBalance())).isEqualTo(expected);
    assertThat(balance(acct)).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tokensAreCaseSensitive(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 1);

    RenewInstancesResponse lower = server.tenant(acct).renewInstances(renew(ids, 1, "abc"));
    RenewInstancesResponse upper = server.tenant(acct).renewInstances(renew(ids, 1, "ABC"));

    assertThat(upper.getOrderId()).isNotEqualTo(lower.getOrderId());
    assertThat(upper.getRenewals(0).getOldExpiredTime())
        .isEqualTo(lower.getRenewals(0).getNewExpiredTime());
    assertThat(balance(acct)).isEqualTo(100_000 - 2 * MONTHLY_FEN);
    assertThat(records(acct, BillingRecord.Type.RENEW)).hasSize(2);
    // Each still replays its own response.
    assertThat(server.tenant(acct).renewInstances(renew(ids, 1, "abc"))).isEqualTo(lower);
    assertThat(server.tenant(acct).renewInstances(renew(ids, 1, "ABC"))).isEqualTo(upper);
    assertThat(balance(acct)).isEqualTo(100_000 - 2 * MONTHLY_FEN);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void concurrentRepeatsChargeOnce(Kind kind) throws Exception {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 3);
    RenewInstancesRequest request = renew(ids, 1, "stampede");
    int threads = 16;
    int rounds = 2;

    List<Object> outcomes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        // Round 0: all threads race for the key. Round 1: the same again while it is completed.
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          futures.add(
              pool.submit(
                  () -> {
                    var stub = server.tenant(acct).withDeadlineAfter(30, TimeUnit.SECONDS);
                    ready.countDown();
                    go.await();
                    try {
                      return stub.renewInstances(request);
                    } catch (StatusRuntimeException e) {
                      return e;
                    }
                  }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        for (Future<Object> f : futures) {
          outcomes.add(f.get(40, TimeUnit.SECONDS));
        }
      }
    } finally {
      pool.shutdownNow();
    }

    // The key's row and the work are one transaction: a repeat waits for the first call (on the
    // row's lock) and replays its response; none is told to come back later.
    RenewInstancesResponse reference = server.tenant(acct).renewInstances(request);
    for (Object outcome : outcomes) {
      assertThat(outcome).isInstanceOf(RenewInstancesResponse.class).isEqualTo(reference);
    }
    System.out.printf(
        "%s: %d of %d concurrent repeats replayed%n", kind, outcomes.size(), outcomes.size());
    assertThat(balance(acct)).isEqualTo(100_000 - 3 * MONTHLY_FEN);
    assertThat(records(acct, BillingRecord.Type.RENEW)).hasSize(1);
    assertThat(events(acct, Event.Type.RENEWED)).hasSize(3);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void concurrentRepeatsOfAFailingCallStoreNothing(Kind kind) throws Exception {
    start(kind);
    TestAccount acct = server.createAccount(MONTHLY_FEN - 1);
    List<String> ids = prepaid(acct, 1);
    RenewInstancesRequest request = renew(ids, 1, "doomed");
    int threads = 16;

    List<Object> outcomes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  var stub = server.tenant(acct).withDeadlineAfter(30, TimeUnit.SECONDS);
                  ready.countDown();
                  go.await();
                  try {
                    return stub.renewInstances(request);
                  } catch (StatusRuntimeException e) {
                    return e;
                  }
                }));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      for (Future<Object> f : futures) {
        outcomes.add(f.get(40, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    int insufficient = 0;
    for (Object outcome : outcomes) {
      assertThat(outcome).isInstanceOf(StatusRuntimeException.class);
      StatusRuntimeException e = (StatusRuntimeException) outcome;
      String reason = Errors.errorInfo(e).getReason();
      assertThat(reason).isEqualTo("INSUFFICIENT_BALANCE");
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      insufficient++;
    }
    // Each repeat ran the call itself (failures are not stored) and failed the same way.
    assertThat(insufficient).isEqualTo(threads);
    // No marker was left behind by any of them: after a top-up the key works at once.
    server
        .admin()
        .topUpBalance(
            TopUpBalanceRequest.newBuilder()
                .setAccountId(acct.accountId())
                .setAmount(money(1))
                .build());
    RenewInstancesResponse ok = server.tenant(acct).renewInstances(request);
    assertThat(ok.getOrderId()).isNotEmpty();
    assertThat(balance(acct)).isZero();
    assertThat(records(acct, BillingRecord.Type.RENEW)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void dryRunDoesNotUseUpTheToken(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 1);
    RenewInstancesRequest real = renew(ids, 1, "dry-then-real");

    RenewInstancesResponse dry =
        server.tenant(acct).renewInstances(real.toBuilder().setDryRun(true).build());
    assertThat(dry.getOrderId()).isEmpty();
    RenewInstancesResponse done = server.tenant(acct).renewInstances(real);

    assertThat(done.getOrderId()).isNotEmpty();
    assertThat(done.getTotalPrice()).isEqualTo(dry.getTotalPrice());
    assertThat(balance(acct)).isEqualTo(100_000 - MONTHLY_FEN);
    // A dry run after the real call is still only a dry run: it neither replays nor charges.
    RenewInstancesResponse dryAgain =
        server.tenant(acct).renewInstances(real.toBuilder().setDryRun(true).build());
    assertThat(dryAgain.getOrderId()).isEmpty();
    assertThat(balance(acct)).isEqualTo(100_000 - MONTHLY_FEN);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void malformedTokensAreRejectedBeforeAnythingHappens(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 1);

    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_CLIENT_TOKEN",
        () -> server.tenant(acct).renewInstances(renew(ids, 1, "x".repeat(65))));
    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_CLIENT_TOKEN",
        () -> server.tenant(acct).renewInstances(renew(ids, 1, "caf\u00e9")));
    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_CLIENT_TOKEN",
        () -> server.tenant(acct).renewInstances(renew(ids, 1, "tab\there")));
    assertThat(balance(acct)).isEqualTo(100_000);

    RenewInstancesResponse max = server.tenant(acct).renewInstances(renew(ids, 1, "x".repeat(64)));
    assertThat(server.tenant(acct).renewInstances(renew(ids, 1, "x".repeat(64)))).isEqualTo(max);
    assertThat(balance(acct)).isEqualTo(100_000 - MONTHLY_FEN);
  }

  // ------------------------------------------------------------------ the other idempotent calls

  @ParameterizedTest
  @EnumSource(Kind.class)
  void setAutoRenewReplaysTheStoredResponseWithoutReapplyingIt(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 2);
    SetAutoRenewRequest auto =
        SetAutoRenewRequest.newBuilder()
            .addAllInstanceIds(ids)
            .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
            .setAutoRenewPeriodMonths(3)
            .setClientToken("auto-1")
            .build();

    SetAutoRenewResponse first = server.tenant(acct).setAutoRenew(auto);
    assertThat(first.getInstancesList())
        .extracting(Instance::getRenewFlag)
        .containsOnly(RenewFlag.NOTIFY_AND_AUTO_RENEW);
    server
        .tenant(acct)
        .setAutoRenew(
            auto.toBuilder()
                .setRenewFlag(RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW)
                .setClientToken("manual-1")
                .build());

    // The replay returns what the first call returned, and does not switch auto-renew back on.
    assertThat(server.tenant(acct).setAutoRenew(auto)).isEqualTo(first);
    assertThat(describe(acct, ids.get(0)).getRenewFlag())
        .isEqualTo(RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW);
    assertThat(events(acct, Event.Type.RENEW_FLAG_CHANGED)).hasSize(4);
    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "IDEMPOTENCY_KEY_REUSED",
        () ->
            server.tenant(acct).setAutoRenew(auto.toBuilder().setAutoRenewPeriodMonths(2).build()));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void setUnifiedExpiryChargesOnce(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    List<String> ids = prepaid(acct, 2);
    SetUnifiedExpiryRequest align =
        SetUnifiedExpiryRequest.newBuilder()
            .addAllInstanceIds(ids)
            .setExpiryDay(1)
            .setClientToken("align-1")
            .build();

    SetUnifiedExpiryResponse first = server.tenant(acct).setUnifiedExpiry(align);
    long charged = fen(first.getTotalPrice());
    assertThat(charged).isPositive();
    assertThat(first.getOrderId()).isNotEmpty();

    SetUnifiedExpiryResponse again = server.tenant(acct).setUnifiedExpiry(align);
    assertThat(again).isEqualTo(first);
    restart();
    assertThat(server.tenant(acct).setUnifiedExpiry(align)).isEqualTo(first);

    assertThat(balance(acct)).isEqualTo(100_000 - charged);
    assertThat(records(acct, BillingRecord.Type.UNIFIED_EXPIRY)).hasSize(1);
    assertThat(events(acct, Event.Type.EXPIRY_ALIGNED)).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void terminateInstancesReplaysInsteadOfFailingOnTheReleasedInstance(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(100_000);
    String id = server.createPostpaid(acct, "S5.MEDIUM4", 1).get(0).getInstanceId();
    TerminateInstancesRequest terminate =
        TerminateInstancesRequest.newBuilder().addInstanceIds(id).setClientToken("term-1").build();

    TerminateInstancesResponse first = server.tenant(acct).terminateInstances(terminate);
    assertThat(first.getInstances(0).getState()).isEqualTo(Instance.State.RELEASED);

    assertThat(server.tenant(acct).terminateInstances(terminate)).isEqualTo(first);
    assertThat(events(acct, Event.Type.TERMINATED)).hasSize(1);
    // Without the token it is a new request, and the instance is gone by now.
    Errors.assertError(
        Status.Code.FAILED_PRECONDITION,
        "INSTANCE_RELEASED",
        () ->
            server
                .tenant(acct)
                .terminateInstances(terminate.toBuilder().clearClientToken().build()));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void topUpBalanceCreditsOnce(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(1_000);
    TopUpBalanceRequest topUp =
        TopUpBalanceRequest.newBuilder()
            .setAccountId(acct.accountId())
            .setAmount(money(12_345))
            .setClientToken("pay-1")
            .build();

    TopUpBalanceResponse first = server.admin().topUpBalance(topUp);
    assertThat(fen(first.getAccount().getBalance())).isEqualTo(13_345);
    assertThat(server.admin().topUpBalance(topUp)).isEqualTo(first);
    restart();
    assertThat(server.admin().topUpBalance(topUp)).isEqualTo(first);

    assertThat(balance(acct)).isEqualTo(13_345);
    assertThat(records(acct, BillingRecord.Type.TOP_UP))
        .hasSize(2); // the initial balance and this one
    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "IDEMPOTENCY_KEY_REUSED",
        () -> server.admin().topUpBalance(topUp.toBuilder().setAmount(money(12_346)).build()));
    assertThat(balance(acct)).isEqualTo(13_345);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void createInstancesTwiceReturnsTheSameInstances(Kind kind) {
    start(kind);
    TestAccount acct = server.createAccount(0);
    CreateInstancesRequest create =
        CreateInstancesRequest.newBuilder()
            .setAccountId(acct.accountId())
            .setInstanceType("S5.SMALL2")
            .setChargeType(Instance.ChargeType.PREPAID)
            .setBandwidthMbps(1)
            .setCount(3)
            .setPeriodMonths(1)
            .setClientToken("provision-1")
            .build();

    CreateInstancesResponse first = server.admin().createInstances(create);
    CreateInstancesResponse second = server.admin().createInstances(create);

    assertThat(first.getInstancesCount()).isEqualTo(3);
    assertThat(second).isEqualTo(first);
    List<Instance> all =
        server
            .tenant(acct)
            .describeInstances(DescribeInstancesRequest.newBuilder().setPageSize(100).build())
            .getInstancesList();
    assertThat(all)
        .extracting(Instance::getInstanceId)
        .containsExactlyInAnyOrderElementsOf(
            first.getInstancesList().stream().map(Instance::getInstanceId).toList());
    Errors.assertError(
        Status.Code.INVALID_ARGUMENT,
        "IDEMPOTENCY_KEY_REUSED",
        () -> server.admin().createInstances(create.toBuilder().setCount(4).build()));
    // Another token provisions anew.
    assertThat(
            server
                .admin()
                .createInstances(create.toBuilder().setClientToken("provision-2").build())
                .getInstancesCount())
        .isEqualTo(3);
    assertThat(
            server
                .tenant(acct)
                .describeInstances(DescribeInstancesRequest.newBuilder().setPageSize(100).build())
                .getInstancesCount())
        .isEqualTo(6);
  }
}
