package com.cvmbilling.renewal.server.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.server.config.RateLimitSettings;
import com.cvmbilling.renewal.server.config.TransportSettings;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.AccountMapper;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribePricesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.rpc.RequestInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rate limit, message and metadata size limits, malformed bytes, and the deadline's hold on
 * database work.
 */
@Tier.H2
@Tier.MariaDb
@Tier.Network
class LimitsTest {

  private static ServingStatus health(TcpTestServer server) {
    return HealthGrpc.newBlockingStub(server.channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  private static <T extends com.google.protobuf.Message> T detail(
      StatusRuntimeException e, Class<T> type) throws Exception {
    for (Any d : StatusProto.fromThrowable(e).getDetailsList()) {
      if (d.is(type)) {
        return d.unpack(type);
      }
    }
    return null;
  }

  @Test
  void rateLimitRefusesWithRetryInfoPerAccountAndRecovers() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server =
            new TcpTestServer(db.settings(), b -> b.rateLimit(new RateLimitSettings(2, 3)))) {
      TestAccount a = server.createAccount(0);
      TestAccount b = server.createAccount(0);
      RenewalServiceGrpc.RenewalServiceBlockingStub asA = server.tenant(a.apiKey());
      for (int i = 0; i < 3; i++) {
        asA.describePrices(DescribePricesRequest.getDefaultInstance());
      }
      StatusRuntimeException refused =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> asA.describePrices(DescribePricesRequest.getDefaultInstance()));
      assertThat(refused).as("the 4th call within the burst of 3").isNotNull();
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(Errors.errorInfo(refused).getReason()).isEqualTo("RATE_LIMITED");
      RetryInfo retry = detail(refused, RetryInfo.class);
      assertThat(retry).as("RetryInfo").isNotNull();
      Duration delay =
          Duration.ofSeconds(retry.getRetryDelay().getSeconds(), retry.getRetryDelay().getNanos());
      assertThat(delay).isPositive().isLessThanOrEqualTo(Duration.ofMillis(500));
      assertThat(detail(refused, RequestInfo.class).getRequestId()).isNotEmpty();

      // Another account has its own bucket.
      server.tenant(b.apiKey()).describePrices(DescribePricesRequest.getDefaultInstance());

      // After the advertised delay the account may call again.
      Thread.sleep(delay.toMillis() + 50);
      asA.describePrices(DescribePricesRequest.getDefaultInstance());
      assertThat(
              server.server().metrics().registry().scrape().stream()
                  .filter(m -> m.getMetadata().getName().equals("renewal_rate_limited"))
                  .findFirst())
          .isPresent();
    }
  }

  @Test
  void anOversizedMessageIsRefusedWithResourceExhausted() {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server =
            new TcpTestServer(
                db.settings(),
                b ->
                    b.transport(
                        TransportSettings.fromFlags(
                            "--host", "127.0.0.1", "--max-message-size", "64KiB")))) {
      TestAccount a = server.createAccount(0);
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  server
                      .tenant(a.apiKey())
                      .describeInstances(
                          DescribeInstancesRequest.newBuilder()
                              .setPageToken("x".repeat(100_000))
                              .build()));
      assertThat(e).isNotNull();
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      // Just under the limit is read (and then refused for what it says, not for its size).
      Errors.assertError(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_PAGE_TOKEN",
          () ->
              server
                  .tenant(a.apiKey())
                  .describeInstances(
                      DescribeInstancesRequest.newBuilder()
                          .setPageToken("x".repeat(60_000))
                          .build()));
      assertThat(health(server)).isEqualTo(ServingStatus.SERVING);
    }
  }

  /**
   * With 2 calls open on a connection, a third waits (HTTP/2 MAX_CONCURRENT_STREAMS) until one
   * ends.
   */
  @Test
  void concurrentCallsPerConnectionAreCapped() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server =
            new TcpTestServer(
                db.settings(),
                b ->
                    b.transport(
                        TransportSettings.fromFlags(
                            "--host",
                            "127.0.0.1",
                            "--max-concurrent-calls-per-connection",
                            "2")))) {
      TestAccount a = server.createAccount(0);
      io.grpc.ManagedChannel channel =
          io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                  "127.0.0.1", server.port())
              .usePlaintext()
              .build();
      try {
        // Two event streams hold the connection's two slots.
        List<java.util.concurrent.CompletableFuture<RawCalls.Result>> streams =
            List.of(
                RawCalls.start(
                    channel,
                    RawCalls.raw(RenewalServiceGrpc.getWatchEventsMethod()),
                    new byte[0],
                    TestServer.bearer(a.apiKey()),
                    4_000),
                RawCalls.start(
                    channel,
                    RawCalls.raw(RenewalServiceGrpc.getWatchEventsMethod()),
                    new byte[0],
                    TestServer.bearer(a.apiKey()),
                    4_000));
        Thread.sleep(500);
        RawCalls.Result third =
            RawCalls.start(
                    channel,
                    RawCalls.raw(RenewalServiceGrpc.getDescribePricesMethod()),
                    new byte[0],
                    TestServer.bearer(a.apiKey()),
                    1_000)
                .join();
        assertThat(third.code())
            .as("a third call while two are open")
            .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        for (var s : streams) {
          assertThat(s.join().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        }
        // Slots free again: calls go through.
        assertThat(
                RawCalls.start(
                        channel,
                        RawCalls.raw(RenewalServiceGrpc.getDescribePricesMethod()),
                        new byte[0],
                        TestServer.bearer(a.apiKey()),
                        5_000)
                    .join()
                    .code())
            .isEqualTo(Status.Code.OK);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void oversizedMetadataIsRefusedAndTheServerStaysHealthy() {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server = new TcpTestServer(db.settings(), b -> b)) {
      TestAccount a = server.createAccount(0);
      // Over the 8 KiB header limit: the server advertises it, and the call does not go through.
      Metadata huge = TestServer.bearer("k".repeat(20_000));
      RawCalls.Result r =
          RawCalls.call(
              server.channel(), RenewalServiceGrpc.getDescribeAccountMethod(), new byte[0], huge);
      assertThat(r.code()).isNotEqualTo(Status.Code.OK);
      // Under the limit but absurd: an invalid key.
      Errors.assertError(
          Status.Code.UNAUTHENTICATED,
          "INVALID_CREDENTIALS",
          () ->
              server
                  .tenant("k".repeat(7_000))
                  .describePrices(DescribePricesRequest.getDefaultInstance()));
      assertThat(health(server)).isEqualTo(ServingStatus.SERVING);
      server.tenant(a.apiKey()).describePrices(DescribePricesRequest.getDefaultInstance());
    }
  }

  @Test
  void malformedRequestBytesAreInvalidArgumentNotUnknown() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server = new TcpTestServer(db.settings(), b -> b)) {
      TestAccount a = server.createAccount(0);
      ByteArrayOutputStream invalidUtf8 = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(invalidUtf8);
      out.writeBytes(
          1, ByteString.copyFrom(new byte[] {'i', 'n', 's', '-', (byte) 0xc3, (byte) 0x28}));
      out.flush();
      for (byte[] body :
          List.of(
              new byte[] {(byte) 0xff, (byte) 0xff, 1, 2},
              new byte[] {0x0a, 0x7f, 1},
              invalidUtf8.toByteArray())) {
        RawCalls.Result r =
            RawCalls.call(
                server.channel(),
                RenewalServiceGrpc.getRenewInstancesMethod(),
                body,
                TestServer.bearer(a.apiKey()));
        assertThat(r.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(r.status(), r.trailers());
        assertThat(details.getDetailsList()).anyMatch(d -> d.is(com.google.rpc.ErrorInfo.class));
        assertThat(details.getDetails(0).unpack(com.google.rpc.ErrorInfo.class).getReason())
            .isEqualTo("MALFORMED_REQUEST");
        assertThat(details.getDetailsList()).anyMatch(d -> d.is(RequestInfo.class));
      }
      assertThat(health(server)).isEqualTo(ServingStatus.SERVING);
    }
  }

  /** A declared field sent with another wire type is a client bug, not the field's default. */
  @Test
  void aFieldWithTheWrongWireTypeIsMalformedButAnUndeclaredFieldIsNot() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server = new TcpTestServer(db.settings(), b -> b)) {
      TestAccount a = server.createAccount(0);
      ByteArrayOutputStream periodAsString = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(periodAsString);
      out.writeString(1, "ins-00000001");
      out.writeString(2, "1"); // period_months is an int32 (varint)
      out.flush();
      ByteArrayOutputStream idAsNumber = new ByteArrayOutputStream();
      out = CodedOutputStream.newInstance(idAsNumber);
      out.writeInt32(1, 7); // instance_ids is a repeated string
      out.writeInt32(2, 1);
      out.flush();
      for (byte[] body : List.of(periodAsString.toByteArray(), idAsNumber.toByteArray())) {
        RawCalls.Result r =
            RawCalls.call(
                server.channel(),
                RenewalServiceGrpc.getRenewInstancesMethod(),
                body,
                TestServer.bearer(a.apiKey()));
        assertThat(r.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(r.status(), r.trailers());
        assertThat(details.getDetails(0).unpack(com.google.rpc.ErrorInfo.class).getReason())
            .isEqualTo("MALFORMED_REQUEST");
      }

      // Field 999 is not declared (a newer client's field): ignored, the call runs as usual.
      ByteArrayOutputStream withNewField = new ByteArrayOutputStream();
      out = CodedOutputStream.newInstance(withNewField);
      out.writeString(1, "ins-00000001");
      out.writeInt32(2, 1);
      out.writeInt32(999, 5);
      out.flush();
      RawCalls.Result r =
          RawCalls.call(
              server.channel(),
              RenewalServiceGrpc.getRenewInstancesMethod(),
              withNewField.toByteArray(),
              TestServer.bearer(a.apiKey()));
      com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(r.status(), r.trailers());
      assertThat(r.code()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(details.getDetails(0).unpack(com.google.rpc.ErrorInfo.class).getReason())
          .isEqualTo("INSTANCE_NOT_FOUND");
    }
  }

  /**
   * Errors echo offending values only in a bounded form: they always fit a client's 8 KiB of
   * metadata.
   */
  @Test
  void errorsAboutHugeValuesStayReadableByADefaultClient() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server = new TcpTestServer(db.settings(), b -> b.testClock(true, null))) {
      TestAccount a = server.createAccount(0);
      DescribeInstancesRequest.Builder filter = DescribeInstancesRequest.newBuilder();
      for (int i = 0; i < 100; i++) {
        filter.addInstanceIds(i + "-" + "\u00e9".repeat(2_500) + "x".repeat(2_500));
      }
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> server.tenant(a.apiKey()).describeInstances(filter.build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(Errors.errorInfo(e).getReason()).isEqualTo("INVALID_INSTANCE_ID");
      assertThat(Errors.errorInfo(e).getMetadataMap().get("instanceIds"))
          .hasSizeLessThanOrEqualTo(2048);
      assertThat(detail(e, RequestInfo.class)).isNotNull();
      // Malformed durations are refused, never an arithmetic failure.
      for (com.google.protobuf.Duration by :
          List.of(
              com.google.protobuf.Duration.newBuilder()
                  .setSeconds(Long.MIN_VALUE)
                  .setNanos(-1)
                  .build(),
              com.google.protobuf.Duration.newBuilder()
                  .setSeconds(-1)
                  .setNanos(2_000_000_000)
                  .build(),
              com.google.protobuf.Duration.newBuilder().setSeconds(5).setNanos(-1).build())) {
        Errors.assertError(
            Status.Code.INVALID_ARGUMENT,
            "INVALID_TIME_ADVANCE",
            () ->
                com.cvmbilling.renewal.v1.TestClockServiceGrpc.newBlockingStub(server.channel())
                    .withInterceptors(
                        io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(
                            TestServer.bearer(TcpTestServer.ADMIN_KEY)))
                    .advanceTime(
                        com.cvmbilling.renewal.v1.AdvanceTimeRequest.newBuilder()
                            .setBy(by)
                            .build()));
      }
      assertThat(health(server)).isEqualTo(ServingStatus.SERVING);
    }
  }

  @Test
  void workWhoseDeadlineHasPassedNeverReachesTheDatabase() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TestServer server = new TestServer(db.settings())) {
      Transactions tx = server.server().injector().getInstance(Transactions.class);
      AccountMapper accounts = server.server().injector().getInstance(AccountMapper.class);
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      try {
        Context.CancellableContext expired =
            Context.current().withDeadline(Deadline.after(1, TimeUnit.MILLISECONDS), timer);
        Thread.sleep(20);
        ApiException e =
            catchThrowableOfType(
                ApiException.class,
                () -> expired.run(() -> tx.inTransaction(() -> accounts.find("acc-00000000"))));
        assertThat(e).isNotNull();
        assertThat(e.reason().name()).isEqualTo("DEADLINE_EXCEEDED");
        expired.cancel(null);
        // With time left the same work runs.
        Context.CancellableContext ok =
            Context.current().withDeadline(Deadline.after(10, TimeUnit.SECONDS), timer);
        assertThat(ok.call(() -> tx.inTransaction(() -> accounts.find("acc-00000000")))).isNull();
        ok.cancel(null);
      } finally {
        timer.shutdownNow();
      }
    }
  }

  /**
   * A call waiting on a row lock (MariaDB would wait innodb_lock_wait_timeout, 50 s) gives its
   * connection back soon after its 2 s deadline: the statement's query timeout came from it.
   */
  @Test
  void theCallDeadlineBoundsAStatementWaitingOnALock() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb();
        TcpTestServer server = new TcpTestServer(db.settings(), b -> b)) {
      TestAccount a = server.createAccount(1_000_000);
      List<Instance> instances = server.createPrepaid(a, 1, Instant.now().plus(Duration.ofDays(5)));
      String id = instances.get(0).getInstanceId();
      try (Connection sql =
          DriverManager.getConnection(
              db.settings().url(), db.settings().user(), db.settings().password())) {
        sql.setAutoCommit(false);
        try (PreparedStatement lock =
            sql.prepareStatement("SELECT * FROM instance WHERE instance_id = ? FOR UPDATE")) {
          lock.setString(1, id);
          lock.executeQuery().close();
        }
        long start = System.nanoTime();
        StatusRuntimeException e =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    RenewalServiceGrpc.newBlockingStub(server.channel())
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .withInterceptors(
                            io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(
                                TestServer.bearer(a.apiKey())))
                        .renewInstances(
                            RenewInstancesRequest.newBuilder()
                                .addInstanceIds(id)
                                .setPeriodMonths(1)
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        // The lock is still held; the server's statement must have been cancelled all the same.
        double active = Double.NaN;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8)) {
          Thread.sleep(250);
          active = activeConnections(server);
          if (active == 0) {
            break;
          }
        }
        assertThat(active)
            .as(
                "pooled connections in use ~%d ms after the call began",
                (System.nanoTime() - start) / 1_000_000)
            .isZero();
        sql.rollback();
      }
      // Nothing was charged.
      assertThat(
              TestServer.fen(
                  server
                      .tenant(a.apiKey())
                      .describeAccount(
                          com.cvmbilling.renewal.v1.DescribeAccountRequest.getDefaultInstance())
                      .getAccount()
                      .getBalance()))
          .isEqualTo(1_000_000);
    }
  }

  private static double activeConnections(TcpTestServer server) {
    for (MetricSnapshot m : server.server().metrics().registry().scrape()) {
      if (m.getMetadata().getName().equals("renewal_db_pool_connections")
          && m instanceof GaugeSnapshot g) {
        for (GaugeSnapshot.GaugeDataPointSnapshot p : g.getDataPoints()) {
          if ("active".equals(p.getLabels().get("state"))) {
            return p.getValue();
          }
        }
      }
    }
    throw new AssertionError("no renewal_db_pool_connections{state=active}");
  }
}
