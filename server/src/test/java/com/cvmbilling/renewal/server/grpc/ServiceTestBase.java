package com.cvmbilling.renewal.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.persistence.InstanceMapper;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.MutableClock;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsResponse;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.google.inject.Injector;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * One real server per test class on a private database (H2 unless a subclass says MariaDB), with a
 * clock fixed at {@link #NOW} (reset before each test). Tests isolate themselves by creating fresh
 * accounts.
 *
 * <p>Reference values used throughout (SPEC 5, default catalog): S5.SMALL2 50.00, S5.MEDIUM4
 * 100.00, S5.LARGE8 200.00 CNY per month, 10.00 CNY per Mbps per month. {@link #NOW} is 2027-01-10
 * 12:00 in Asia/Shanghai (UTC+8, no DST).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServiceTestBase {
  static final Instant NOW = Instant.parse("2027-01-10T04:00:00Z");
  static final String SMALL = "S5.SMALL2";
  static final String MEDIUM = "S5.MEDIUM4";
  static final String LARGE = "S5.LARGE8";
  static final long RICH = 1_000_000_00L; // 1,000,000.00 CNY

  TestDatabases.TestDatabase db;
  TestServer server;
  final MutableClock clock = new MutableClock(NOW);

  /** The database this class runs on; the *MariaDbTest subclasses run the same tests on MariaDB. */
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.H2;
  }

  @BeforeAll
  void startServer() {
    db = TestDatabases.create(databaseKind());
    server = new TestServer(db.settings(), clock);
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void resetClock() {
    clock.set(NOW);
  }

  // ---- values ----

  static Instant t(String iso) {
    return Instant.parse(iso);
  }

  static Timestamp ts(String iso) {
    return TestServer.timestamp(Instant.parse(iso));
  }

  static Instant instant(Timestamp ts) {
    return TestServer.instant(ts);
  }

  static long fen(com.google.type.Money money) {
    assertThat(money.getCurrencyCode()).isEqualTo("CNY");
    return TestServer.fen(money);
  }

  static List<String> ids(List<Instance> instances) {
    return instances.stream().map(Instance::getInstanceId).toList();
  }

  // ---- fixtures ----

  TestAccount account(long balanceFen) {
    return server.createAccount(balanceFen);
  }

  Instance prepaid(TestAccount account, String type, int mbps, String expiryIso) {
    return server.createPrepaid(account, type, mbps, 1, Instant.parse(expiryIso)).get(0);
  }

  Instance postpaid(TestAccount account) {
    return server.createPostpaid(account, SMALL, 1).get(0);
  }

  RenewalServiceBlockingStub tenant(TestAccount account) {
    return server.tenant(account);
  }

  /**
   * Puts an instance into a state directly in the database (the lifecycle engine that isolates
   * expired instances does not exist yet). Isolation time is the instance's expiry.
   */
  void forceState(TestAccount account, String instanceId, InstanceState state) {
    Injector injector = server.server().injector();
    Transactions tx = injector.getInstance(Transactions.class);
    InstanceMapper mapper = injector.getInstance(InstanceMapper.class);
    tx.inTransaction(
        () -> {
          com.cvmbilling.renewal.server.domain.Instance i =
              mapper.findByIdsForUpdate(account.accountId(), List.of(instanceId)).get(0);
          Instant isolated = state == InstanceState.RUNNING ? null : i.expiredTime();
          Instant released = state == InstanceState.RELEASED ? clock.instant() : null;
          com.cvmbilling.renewal.server.domain.Instance changed =
              new com.cvmbilling.renewal.server.domain.Instance(
                  i.instanceId(),
                  i.accountId(),
                  i.instanceType(),
                  i.chargeType(),
                  state,
                  i.createdTime(),
                  i.expiredTime(),
                  i.expiryAnchorDay(),
                  isolated,
                  released,
                  i.renewFlag(),
                  i.autoRenewPeriodMonths(),
                  i.bandwidthMbps(),
                  i.version() + 1);
          assertThat(mapper.update(changed)).isEqualTo(1);
        });
  }

  /** Moves the clock past the instance's expiry and isolates it there. */
  void isolate(TestAccount account, Instance instance) {
    Instant expiry = instant(instance.getExpiredTime());
    if (!clock.instant().isAfter(expiry)) {
      clock.set(expiry.plusSeconds(3600));
    }
    forceState(account, instance.getInstanceId(), InstanceState.ISOLATED);
  }

  // ---- reads ----

  long balance(TestAccount account) {
    return fen(
        tenant(account)
            .describeAccount(DescribeAccountRequest.getDefaultInstance())
            .getAccount()
            .getBalance());
  }

  Instance describe(TestAccount account, String instanceId) {
    List<Instance> found =
        tenant(account)
            .describeInstances(
                DescribeInstancesRequest.newBuilder().addInstanceIds(instanceId).build())
            .getInstancesList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  List<Instance> allInstances(TestAccount account) {
    List<Instance> out = new ArrayList<>();
    String token = "";
    do {
      var page =
          tenant(account)
              .describeInstances(
                  DescribeInstancesRequest.newBuilder()
                      .setPageSize(100)
                      .setPageToken(token)
                      .build());
      out.addAll(page.getInstancesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  /** Every billing record, newest first. */
  List<BillingRecord> records(TestAccount account) {
    List<BillingRecord> out = new ArrayList<>();
    String token = "";
    do {
      DescribeBillingRecordsResponse page =
          tenant(account)
              .describeBillingRecords(
                  DescribeBillingRecordsRequest.newBuilder()
                      .setPageSize(100)
                      .setPageToken(token)
                      .build());
      out.addAll(page.getRecordsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  /** Every event, oldest first. */
  List<Event> events(TestAccount account) {
    List<Event> out = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Event> page =
          tenant(account)
              .listEvents(
                  ListEventsRequest.newBuilder().setAfterEventId(after).setPageSize(100).build())
              .getEventsList();
      if (page.isEmpty()) {
        return out;
      }
      out.addAll(page);
      after = page.get(page.size() - 1).getEventId();
    }
  }

  /** Everything a failed call must leave alone. */
  record Snapshot(
      long balance, List<Instance> instances, List<BillingRecord> records, List<Event> events) {}

  Snapshot snapshot(TestAccount account) {
    return new Snapshot(balance(account), allInstances(account), records(account), events(account));
  }

  // ---- errors ----

  static StatusRuntimeException failure(ThrowingCallable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(e).as("expected the call to fail").isNotNull();
    return e;
  }

  /** Asserts code and reason (via {@link Errors}), returns the ErrorInfo. */
  static ErrorInfo assertError(Status.Code code, String reason, ThrowingCallable call) {
    return Errors.assertError(code, reason, call);
  }

  /** Asserts code, reason and a BadRequest field violation naming {@code field}. */
  static ErrorInfo assertFieldError(
      Status.Code code, String reason, String field, ThrowingCallable call) {
    StatusRuntimeException e = failure(call);
    assertThat(e.getStatus().getCode()).as("status code (%s)", e.getStatus()).isEqualTo(code);
    ErrorInfo info = Errors.errorInfo(e);
    assertThat(info.getReason()).isEqualTo(reason);
    assertThat(info.getDomain()).isEqualTo("renewal.cvmbilling.com");
    BadRequest bad = Errors.badRequest(e);
    assertThat(bad).as("BadRequest detail in %s", e.getStatus()).isNotNull();
    assertThat(bad.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField)
        .contains(field);
    return info;
  }

  static ErrorInfo invalidArgument(String reason, String field, ThrowingCallable call) {
    return assertFieldError(Status.Code.INVALID_ARGUMENT, reason, field, call);
  }

  static ErrorInfo failedPrecondition(String reason, ThrowingCallable call) {
    return assertError(Status.Code.FAILED_PRECONDITION, reason, call);
  }

  static ErrorInfo notFound(String reason, ThrowingCallable call) {
    return assertError(Status.Code.NOT_FOUND, reason, call);
  }

  static List<String> metaList(ErrorInfo info, String key) {
    assertThat(info.getMetadataMap()).containsKey(key);
    return List.of(info.getMetadataMap().get(key).split(",", -1));
  }
}
