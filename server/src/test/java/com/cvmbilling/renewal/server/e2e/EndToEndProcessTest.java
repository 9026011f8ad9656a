package com.cvmbilling.renewal.server.e2e;

import static com.cvmbilling.renewal.server.testing.TestServer.fen;
import static com.cvmbilling.renewal.server.testing.TestServer.money;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real server as an operator runs it: its own JVM, the command line, TCP, SIGTERM. Checks what
 * only shows from outside: readiness through health, reflection as grpcurl uses it, auth over the
 * wire, graceful shutdown, the embedded database surviving a restart, and bad flags.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@Tier.Process
@Tier.Network
@Tier.H2
@Tier.MariaDb
class EndToEndProcessTest {
  private static final Duration STARTUP = Duration.ofSeconds(40);
  private static final Duration SHUTDOWN = Duration.ofSeconds(25);
  private static final String ADMIN_KEY = "e2e-admin-key-0123456789";

  private final List<ServerProcess> processes = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private TestDatabases.TestDatabase db;

  @RegisterExtension
  final TestWatcher printServerLogsOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          for (ServerProcess p : processes) {
            System.out.println(p.describe());
          }
        }
      };

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    processes.forEach(ServerProcess::close);
    if (db != null) {
      db.close();
    }
  }

  private ServerProcess start(String name, List<String> args) throws Exception {
    ServerProcess p = ServerProcess.launch(name, args);
    processes.add(p);
    return p;
  }

  private ManagedChannel channel(int port) {
    ManagedChannel channel = ServerProcess.channel(port);
    channels.add(channel);
    return channel;
  }

  private static RenewalServiceBlockingStub tenant(ManagedChannel channel, String key) {
    return RenewalServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(key)));
  }

  private static AdminServiceBlockingStub admin(ManagedChannel channel, String key) {
    return AdminServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(key)));
  }

  /** SIGTERM drains, then the server exits 0 (not the 143 of a JVM killed by the signal). */
  private static void assertTerminatedGracefully(ServerProcess p, int exit) {
    assertThat(exit).as("exit code after SIGTERM and a clean drain").isZero();
    assertThat(p.output()).contains("shutting down");
    assertThat(p.output()).doesNotContain("Exception");
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void servesOverTcpOnMariaDbAndShutsDownGracefully() throws Exception {
    db = TestDatabases.mariaDb();
    int port = ServerProcess.freePort();
    ServerProcess server =
        start(
            "mariadb",
            List.of(
                "--port", Integer.toString(port),
                "--db-url", db.settings().url(),
                "--db-user", TestDatabases.mariaDbUser(),
                "--db-password", TestDatabases.mariaDbPassword(),
                "--admin-key", ADMIN_KEY));
    server.awaitServing(port, STARTUP);
    ManagedChannel channel = channel(port);

    // Health per service, with no key.
    for (String service : List.of("cvm.renewal.v1.RenewalService", "cvm.renewal.v1.AdminService")) {
      assertThat(
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.newBuilder().setService(service).build())
                  .getStatus())
          .isEqualTo(ServingStatus.SERVING);
    }

    // Reflection v1, the way grpcurl lists and describes, with no key.
    try (ReflectionClient reflection = new ReflectionClient(channel)) {
      assertThat(reflection.listServices())
          .contains(
              "cvm.renewal.v1.RenewalService",
              "cvm.renewal.v1.AdminService",
              "grpc.health.v1.Health",
              "grpc.reflection.v1.ServerReflection",
              "grpc.reflection.v1alpha.ServerReflection");

      Map<String, FileDescriptorProto> files = reflection.resolve("cvm.renewal.v1.RenewalService");
      assertThat(files)
          .containsKeys(
              "cvm/renewal/v1/renewal_service.proto",
              "cvm/renewal/v1/resources.proto",
              "google/protobuf/timestamp.proto",
              "google/type/money.proto");
      FileDescriptor file = ReflectionClient.build("cvm/renewal/v1/renewal_service.proto", files);
      ServiceDescriptor service = file.findServiceByName("RenewalService");
      assertThat(service).isNotNull();
      MethodDescriptor renew = service.findMethodByName("RenewInstances");
      assertThat(renew).isNotNull();
      assertThat(renew.getInputType().getFullName())
          .isEqualTo("cvm.renewal.v1.RenewInstancesRequest");
      assertThat(renew.getOutputType().getFullName())
          .isEqualTo("cvm.renewal.v1.RenewInstancesResponse");
      assertThat(renew.getInputType().findFieldByName("client_token")).isNotNull();
      assertThat(
              renew.getOutputType().findFieldByName("total_price").getMessageType().getFullName())
          .isEqualTo("google.type.Money");

      Map<String, FileDescriptorProto> adminFiles =
          reflection.resolve("cvm.renewal.v1.AdminService.CreateAccount");
      assertThat(
              ReflectionClient.build("cvm/renewal/v1/admin_service.proto", adminFiles)
                  .findServiceByName("AdminService")
                  .findMethodByName("TopUpBalance"))
          .isNotNull();

      ServerReflectionResponse unknown =
          reflection.ask(
              ServerReflectionRequest.newBuilder()
                  .setFileContainingSymbol("cvm.renewal.v1.NoSuchThing")
                  .build());
      assertThat(unknown.hasErrorResponse()).isTrue();
      assertThat(unknown.getErrorResponse().getErrorCode())
          .isEqualTo(Status.Code.NOT_FOUND.value());
    }

    // Reflection v1alpha (older grpcurl and tools): list_services answers the same.
    assertThat(listServicesV1alpha(channel))
        .contains(
            "cvm.renewal.v1.RenewalService",
            "cvm.renewal.v1.AdminService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");

    // The operator's first steps with --admin-key, then the tenant renews over TCP.
    CreateAccountResponse created =
        admin(channel, ADMIN_KEY)
            .createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("e2e tenant")
                    .setInitialBalance(money(300_000))
                    .build());
    String tenantKey = created.getApiKey();
    List<Instance> instances =
        admin(channel, ADMIN_KEY)
            .createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(created.getAccount().getAccountId())
                    .setInstanceType("S5.MEDIUM4")
                    .setChargeType(Instance.ChargeType.PREPAID)
                    .setBandwidthMbps(2)
                    .setCount(2)
                    .setPeriodMonths(1)
                    .setClientToken("e2e-provision")
                    .build())
            .getInstancesList();
    assertThat(instances).hasSize(2);

    RenewInstancesResponse renewed =
        tenant(channel, tenantKey)
            .renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(instances.get(0).getInstanceId())
                    .addInstanceIds(instances.get(1).getInstanceId())
                    .setPeriodMonths(12)
                    .setClientToken("e2e-renew")
                    .build());
    // (100.00 + 2 x 10.00) x 12 x 85% = 1224.00 per instance.
    assertThat(fen(renewed.getTotalPrice())).isEqualTo(2 * 122_400);
    assertThat(fen(renewed.getBalance())).isEqualTo(300_000 - 2 * 122_400);
    assertThat(
            fen(
                tenant(channel, tenantKey)
                    .describeAccount(DescribeAccountRequest.getDefaultInstance())
                    .getAccount()
                    .getBalance()))
        .isEqualTo(fen(renewed.getBalance()));
    List<BillingRecord> records =
        tenant(channel, tenantKey)
            .describeBillingRecords(DescribeBillingRecordsRequest.getDefaultInstance())
            .getRecordsList();
    assertThat(records)
        .extracting(BillingRecord::getType)
        .containsExactly(BillingRecord.Type.RENEW, BillingRecord.Type.TOP_UP);
    assertThat(records.get(0).getOrderId()).isEqualTo(renewed.getOrderId());

    // Auth over the wire.
    Errors.assertError(
        Status.Code.UNAUTHENTICATED,
        "MISSING_CREDENTIALS",
        () ->
            RenewalServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .describeAccount(DescribeAccountRequest.getDefaultInstance()));
    Errors.assertError(
        Status.Code.UNAUTHENTICATED,
        "INVALID_CREDENTIALS",
        () ->
            tenant(channel, "rk_not_a_real_key")
                .describeAccount(DescribeAccountRequest.getDefaultInstance()));
    Errors.assertError(
        Status.Code.UNAUTHENTICATED,
        "MISSING_CREDENTIALS",
        () ->
            AdminServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .createAccount(CreateAccountRequest.newBuilder().setDisplayName("x").build()));
    Errors.assertError(
        Status.Code.PERMISSION_DENIED,
        "ADMIN_REQUIRED",
        () ->
            admin(channel, tenantKey)
                .createAccount(CreateAccountRequest.newBuilder().setDisplayName("x").build()));

    // Graceful shutdown: a call in flight when SIGTERM arrives still completes. The test holds
    // the instance's row lock, so the renewal waits inside the server until the lock is released.
    String held = instances.get(0).getInstanceId();
    try (Connection sql =
        DriverManager.getConnection(
            db.settings().url(), db.settings().user(), db.settings().password())) {
      sql.setAutoCommit(false);
      try (PreparedStatement lock =
          sql.prepareStatement("SELECT * FROM instance WHERE instance_id = ? FOR UPDATE")) {
        lock.setString(1, held);
        lock.executeQuery().close();
      }
      ListenableFuture<RenewInstancesResponse> inFlight =
          RenewalServiceGrpc.newFutureStub(channel)
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .withInterceptors(
                  MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(tenantKey)))
              .renewInstances(
                  RenewInstancesRequest.newBuilder()
                      .addInstanceIds(held)
                      .setPeriodMonths(1)
                      .setClientToken("e2e-in-flight")
                      .build());
      awaitLockWait(sql, db.settings().url(), inFlight);

      server.process().destroy(); // SIGTERM while the renewal waits
      Thread.sleep(1_000);
      assertThat(server.process().isAlive()).as("the server waits for the call in flight").isTrue();
      assertThat(inFlight.isDone()).isFalse();
      sql.rollback(); // release the row lock

      RenewInstancesResponse drained = inFlight.get(20, TimeUnit.SECONDS);
      assertThat(drained.getOrderId()).isNotEmpty();
      assertThat(fen(drained.getBalance())).isEqualTo(300_000 - 2 * 122_400 - 12_000);
      int exit = server.awaitExit(SHUTDOWN);
      assertTerminatedGracefully(server, exit);

      // What the drained call reported was committed before the process ended.
      try (PreparedStatement balance =
          sql.prepareStatement("SELECT balance_fen FROM account WHERE account_id = ?")) {
        balance.setString(1, created.getAccount().getAccountId());
        try (ResultSet rs = balance.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(fen(drained.getBalance()));
        }
      }
      sql.rollback();
    }
  }

  /**
   * Waits until the server runs its locking read of the instance, which then waits for the test's
   * row lock. (Not via innodb_trx: MariaDB reads a single-row primary key lookup while optimizing
   * the query, in state "Statistics", and such a wait may not show there as LOCK WAIT.)
   */
  private static void awaitLockWait(Connection sql, String url, ListenableFuture<?> call)
      throws Exception {
    String schema = url.substring(url.lastIndexOf('/') + 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (PreparedStatement waiting =
        sql.prepareStatement(
            "SELECT COUNT(*) FROM information_schema.processlist "
                + "WHERE db = ? AND id <> CONNECTION_ID() AND command = 'Query' "
                + "AND info LIKE '%FROM instance%' AND info LIKE '%FOR UPDATE%'")) {
      waiting.setString(1, schema);
      while (System.nanoTime() < deadline) {
        if (call.isDone()) {
          throw new AssertionError(
              "the renewal ended before it reached the locked row: " + outcome(call));
        }
        try (ResultSet rs = waiting.executeQuery()) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return;
          }
        }
        Thread.sleep(50);
      }
    }
    StringBuilder state = new StringBuilder();
    try (PreparedStatement ps =
        sql.prepareStatement(
            "SELECT p.id, p.command, p.state, p.info, t.trx_state FROM information_schema.processlist p "
                + "LEFT JOIN information_schema.innodb_trx t ON t.trx_mysql_thread_id = p.id WHERE p.db = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          state
              .append("\n  ")
              .append(rs.getLong(1))
              .append(' ')
              .append(rs.getString(2))
              .append(" | ")
              .append(rs.getString(3))
              .append(" | ")
              .append(rs.getString(4))
              .append(" | ")
              .append(rs.getString(5));
        }
      }
    }
    throw new AssertionError(
        "the renewal never reached the locked row; connections of " + schema + ":" + state);
  }

  private static String outcome(ListenableFuture<?> call) {
    try {
      return String.valueOf(call.get());
    } catch (Exception e) {
      return String.valueOf(e.getCause() == null ? e : e.getCause());
    }
  }

  @Test
  void embeddedDemoServerKeepsItsDataAcrossARestart(@TempDir Path dataDir) throws Exception {
    List<String> demoIds =
        List.of("ins-demo0001", "ins-demo0002", "ins-demo0003", "ins-demo0004", "ins-demo0005");
    String tenantKey = "demo-tenant-key";

    int port = ServerProcess.freePort();
    ServerProcess first =
        start(
            "demo-1",
            List.of("--port", Integer.toString(port), "--data-dir", dataDir.toString(), "--demo"));
    first.awaitServing(port, STARTUP);
    ManagedChannel channel = channel(port);
    assertThat(describeAll(channel, tenantKey))
        .extracting(Instance::getInstanceId)
        .containsExactlyElementsOf(demoIds);
    long seeded =
        fen(
            tenant(channel, tenantKey)
                .describeAccount(DescribeAccountRequest.getDefaultInstance())
                .getAccount()
                .getBalance());
    assertThat(seeded).isEqualTo(1_000_000);
    RenewInstancesResponse renewed =
        tenant(channel, tenantKey)
            .renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds("ins-demo0001")
                    .setPeriodMonths(1)
                    .setClientToken("demo-renew")
                    .build());
    assertTerminatedGracefully(first, first.terminate(SHUTDOWN));
    assertThat(first.output()).contains("demo-tenant-key");

    // Same data dir: the demo is not seeded again, and what it did is still there.
    int port2 = ServerProcess.freePort();
    ServerProcess second =
        start(
            "demo-2",
            List.of("--port", Integer.toString(port2), "--data-dir", dataDir.toString(), "--demo"));
    second.awaitServing(port2, STARTUP);
    ManagedChannel channel2 = channel(port2);
    List<Instance> after = describeAll(channel2, tenantKey);
    assertThat(after).extracting(Instance::getInstanceId).containsExactlyElementsOf(demoIds);
    assertThat(after.get(0).getExpiredTime()).isEqualTo(renewed.getRenewals(0).getNewExpiredTime());
    assertThat(
            fen(
                tenant(channel2, tenantKey)
                    .describeAccount(DescribeAccountRequest.getDefaultInstance())
                    .getAccount()
                    .getBalance()))
        .isEqualTo(fen(renewed.getBalance()));
    List<BillingRecord> records =
        tenant(channel2, tenantKey)
            .describeBillingRecords(DescribeBillingRecordsRequest.getDefaultInstance())
            .getRecordsList();
    assertThat(records)
        .extracting(BillingRecord::getType)
        .containsExactly(BillingRecord.Type.RENEW, BillingRecord.Type.TOP_UP);
    // The idempotency record survived too.
    assertThat(
            tenant(channel2, tenantKey)
                .renewInstances(
                    RenewInstancesRequest.newBuilder()
                        .addInstanceIds("ins-demo0001")
                        .setPeriodMonths(1)
                        .setClientToken("demo-renew")
                        .build()))
        .isEqualTo(renewed);
    // The demo admin key works after the restart as well.
    assertThat(
            admin(channel2, "demo-admin-key")
                .createAccount(
                    CreateAccountRequest.newBuilder().setDisplayName("second tenant").build())
                .getApiKey())
        .isNotEmpty();
    assertTerminatedGracefully(second, second.terminate(SHUTDOWN));
  }

  private static List<Instance> describeAll(ManagedChannel channel, String key) {
    return tenant(channel, key)
        .describeInstances(DescribeInstancesRequest.newBuilder().setPageSize(100).build())
        .getInstancesList();
  }

  static Stream<Arguments> invalidFlags() {
    return Stream.of(
        Arguments.of(List.of("--port", "abc"), List.of("--port", "'abc'")),
        Arguments.of(List.of("--port", "70000"), List.of("--port", "70000")),
        Arguments.of(
            List.of("--lifecycle-interval", "xyz"),
            List.of("--lifecycle-interval", "'xyz'", "duration")),
        Arguments.of(List.of("--retention", "7 days"), List.of("--retention", "'7 days'")),
        // Well-formed durations and ports that make no sense must not start a server either.
        Arguments.of(
            List.of("--lifecycle-interval", "0s"), List.of("--lifecycle-interval", "positive")),
        Arguments.of(List.of("--retention", "PT-1H"), List.of("--retention", "positive", "PT-1H")),
        Arguments.of(List.of("--auto-renew-lead=-PT24H"), List.of("--auto-renew-lead", "positive")),
        Arguments.of(List.of("--metrics-port", "70000"), List.of("--metrics-port", "70000")),
        Arguments.of(List.of("--test-clock=yesterday"), List.of("--test-clock", "yesterday")),
        Arguments.of(List.of("--db-pool-size", "0"), List.of("--db-pool-size")),
        Arguments.of(List.of("--auto-renew-lead", "30d"), List.of("--auto-renew-lead", "27d")),
        Arguments.of(
            List.of("--auto-renew-retry-interval", "0s"),
            List.of("--auto-renew-retry-interval", "positive")),
        Arguments.of(List.of("--no-such-flag"), List.of("--no-such-flag")));
  }

  @ParameterizedTest
  @MethodSource("invalidFlags")
  void anInvalidFlagEndsTheProcessWithAClearMessage(
      List<String> flags, List<String> expected, @TempDir Path dataDir) throws Exception {
    List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
    if (!flags.get(0).equals("--port")) {
      args.addAll(List.of("--port", Integer.toString(ServerProcess.freePort())));
    }
    args.addAll(flags);
    ServerProcess p = ServerProcess.launchSeparated("bad-flag", args);
    processes.add(p);

    int exit = p.awaitExit(Duration.ofSeconds(20));

    assertThat(exit).as("exit code").isNotZero();
    String stderr = p.stderr();
    String firstLine = stderr.lines().findFirst().orElse("");
    for (String snippet : expected) {
      assertThat(firstLine).as("first line of stderr").contains(snippet);
    }
    // picocli follows the message with the usage help, or with the closest flags when it can guess.
    assertThat(stderr)
        .as("usage help or suggestions follow the message")
        .containsAnyOf("Usage: renewal-server", "Possible solutions:");
    assertThat(stderr).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(p.output()).doesNotContain("ready");
  }

  private static List<String> listServicesV1alpha(ManagedChannel channel)
      throws InterruptedException {
    BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    var requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new io.grpc.stub.StreamObserver<
                    io.grpc.reflection.v1alpha.ServerReflectionResponse>() {
                  @Override
                  public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse value) {
                    answers.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answers.add(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
            .setListServices("*")
            .build());
    Object answer = answers.poll(10, TimeUnit.SECONDS);
    requests.onCompleted();
    assertThat(answer).isInstanceOf(io.grpc.reflection.v1alpha.ServerReflectionResponse.class);
    return ((io.grpc.reflection.v1alpha.ServerReflectionResponse) answer)
        .getListServicesResponse().getServiceList().stream()
            .map(io.grpc.reflection.v1alpha.ServiceResponse::getName)
            .toList();
  }
}
