package com.cvmbilling.renewal.server.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.grpc.CallObserver;
import com.cvmbilling.renewal.server.service.SupportReads;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesResponse;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesRequest;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import com.google.protobuf.Any;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may call what: every RPC refuses a missing or bad key, tenant keys cannot call the admin API,
 * another tenant's instance looks exactly like an unknown one, health and reflection need no key,
 * and keys are stored hashed and never logged.
 */
@Tier.H2
@Tier.Network
class AccessControlTest {
  private static TestDatabases.TestDatabase db;
  private static TcpTestServer server;
  private static TestAccount alice;
  private static TestAccount bob;
  private static List<Instance> aliceInstances;

  @BeforeAll
  static void start() {
    db = TestDatabases.h2();
    server = new TcpTestServer(db.settings(), b -> b.testClock(true, null));
    alice = server.createAccount(1_000_000);
    bob = server.createAccount(1_000_000);
    aliceInstances = server.createPrepaid(alice, 2, Instant.now().plus(Duration.ofDays(10)));
  }

  @AfterAll
  static void stop() {
    server.close();
    db.close();
  }

  private static Metadata authorization(String value) {
    Metadata md = new Metadata();
    if (value != null) {
      md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
    }
    return md;
  }

  private static void assertReason(RawCalls.Result r, Status.Code code, String reason, String what)
      throws Exception {
    assertThat(r.code()).as("%s: %s", what, r.status()).isEqualTo(code);
    com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(r.status(), r.trailers());
    assertThat(details).as("%s: google.rpc.Status", what).isNotNull();
    ErrorInfo info = null;
    for (Any d : details.getDetailsList()) {
      if (d.is(ErrorInfo.class)) {
        info = d.unpack(ErrorInfo.class);
      }
    }
    assertThat(info).as("%s: ErrorInfo", what).isNotNull();
    assertThat(info.getReason()).as(what).isEqualTo(reason);
  }

  @Test
  void everyRpcRefusesACallWithoutAValidKey() throws Exception {
    List<MethodDescriptor<?, ?>> methods = RawCalls.keyedMethods();
    assertThat(methods).hasSize(13 + 8 + 2);
    for (MethodDescriptor<?, ?> m : methods) {
      String name = m.getFullMethodName();
      assertReason(
          RawCalls.call(server.channel(), m, new byte[0], authorization(null)),
          Status.Code.UNAUTHENTICATED,
          "MISSING_CREDENTIALS",
          name + " without a key");
      assertReason(
          RawCalls.call(
              server.channel(),
              m,
              new byte[0],
              authorization("Bearer rk_not_a_key_00000000000000")),
          Status.Code.UNAUTHENTICATED,
          "INVALID_CREDENTIALS",
          name + " with an unknown key");
      assertReason(
          RawCalls.call(server.channel(), m, new byte[0], authorization("Basic " + alice.apiKey())),
          Status.Code.UNAUTHENTICATED,
          "INVALID_CREDENTIALS",
          name + " with a non-Bearer scheme");
      assertReason(
          RawCalls.call(server.channel(), m, new byte[0], authorization("Bearer ")),
          Status.Code.UNAUTHENTICATED,
          "INVALID_CREDENTIALS",
          name + " with an empty key");
    }
  }

  @Test
  void tenantKeysCannotCallTheAdminApiAndAdminKeysCannotActAsATenant() throws Exception {
    List<MethodDescriptor<?, ?>> admin =
        new ArrayList<>(AdminServiceGrpc.getServiceDescriptor().getMethods());
    admin.addAll(TestClockServiceGrpc.getServiceDescriptor().getMethods());
    for (MethodDescriptor<?, ?> m : admin) {
      assertReason(
          RawCalls.call(server.channel(), m, new byte[0], TestServer.bearer(alice.apiKey())),
          Status.Code.PERMISSION_DENIED,
          "ADMIN_REQUIRED",
          m.getFullMethodName() + " with a tenant key");
    }
    for (MethodDescriptor<?, ?> m : RenewalServiceGrpc.getServiceDescriptor().getMethods()) {
      // Support reads let an admin key in only with an account_id (none here).
      assertReason(
          RawCalls.call(
              server.channel(), m, new byte[0], TestServer.bearer(TcpTestServer.ADMIN_KEY)),
          Status.Code.PERMISSION_DENIED,
          "TENANT_KEY_REQUIRED",
          m.getFullMethodName() + " with an admin key");
    }
  }

  @Test
  void aSupportKeyCallsOnlyTheSupportReadsNamingAnAccount() throws Exception {
    String supportKey =
        server
            .admin()
            .createApiKey(
                CreateApiKeyRequest.newBuilder().setSupport(true).setName("helpdesk").build())
            .getApiKey();
    Metadata bearer = TestServer.bearer(supportKey);
    Set<String> reads =
        Set.of(
            RenewalServiceGrpc.getDescribeAccountMethod().getFullMethodName(),
            RenewalServiceGrpc.getDescribeInstancesMethod().getFullMethodName(),
            RenewalServiceGrpc.getDescribeBillingRecordsMethod().getFullMethodName(),
            RenewalServiceGrpc.getListEventsMethod().getFullMethodName());
    int supportReads = 0;
    try (LogCapture access = new LogCapture(CallObserver.ACCESS_LOGGER)) {
      // Every keyed method, so that a new RPC is covered (refused) without a change here.
      for (MethodDescriptor<?, ?> m : RawCalls.keyedMethods()) {
        String name = m.getFullMethodName();
        if (SupportReads.isSupportRead(name)) {
          supportReads++;
          assertThat(reads).as("a support read").contains(name);
          Descriptors.Descriptor request =
              ((ProtoMethodDescriptorSupplier) m.getSchemaDescriptor())
                  .getMethodDescriptor()
                  .getInputType();
          byte[] namingBob =
              DynamicMessage.newBuilder(request)
                  .setField(request.findFieldByName("account_id"), bob.accountId())
                  .build()
                  .toByteArray();
          assertThat(RawCalls.call(server.channel(), m, namingBob, bearer).code())
              .as("%s naming an account with a support key", name)
              .isEqualTo(Status.Code.OK);
          // Without an account, refused like an admin key.
          assertReason(
              RawCalls.call(server.channel(), m, new byte[0], bearer),
              Status.Code.PERMISSION_DENIED,
              "TENANT_KEY_REQUIRED",
              name + " with a support key and no account_id");
        } else {
          assertReason(
              RawCalls.call(server.channel(), m, new byte[0], bearer),
              Status.Code.PERMISSION_DENIED,
              "SUPPORT_KEY_READ_ONLY",
              name + " with a support key");
        }
      }
      assertThat(supportReads).isEqualTo(reads.size());
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (access.lines().stream().filter(l -> l.contains("account=support:helpdesk")).count()
              < RawCalls.keyedMethods().size() + reads.size()
          && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(access.lines())
          .as("every call of the support key names it in the access log, never the key")
          .filteredOn(l -> l.contains("account=support:helpdesk"))
          .hasSize(RawCalls.keyedMethods().size() + reads.size())
          .noneMatch(l -> l.contains(supportKey));
    }
  }

  @Test
  void healthAndReflectionAreTheOnlyServicesWithoutAKey() throws Exception {
    assertThat(
            HealthGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(server.channel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> services =
        answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName)
            .toList();
    requests.onCompleted();
    assertThat(services)
        .containsExactlyInAnyOrder(
            "cvm.renewal.v1.RenewalService",
            "cvm.renewal.v1.AdminService",
            "cvm.renewal.v1.TestClockService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");
    // Everything but health and reflection needs a key (checked method by method above).
    Stream.of(
            "cvm.renewal.v1.RenewalService",
            "cvm.renewal.v1.AdminService",
            "cvm.renewal.v1.TestClockService")
        .forEach(
            s -> assertThat(RawCalls.keyedMethods()).anyMatch(m -> m.getServiceName().equals(s)));
  }

  /** Another account's instance and an unknown one give the same error, with the id named. */
  @Test
  void anotherAccountsInstanceIsNotFoundExactlyLikeAnUnknownOne() throws Exception {
    String foreign = aliceInstances.get(0).getInstanceId();
    String unknown = "ins-zz999999";
    RenewalServiceGrpc.RenewalServiceBlockingStub asBob = server.tenant(bob.apiKey());
    List<Function<String, ThrowingCallable>> calls =
        List.of(
            id ->
                () ->
                    asBob.renewInstances(
                        RenewInstancesRequest.newBuilder()
                            .addInstanceIds(id)
                            .setPeriodMonths(1)
                            .build()),
            id ->
                () ->
                    asBob.renewInstances(
                        RenewInstancesRequest.newBuilder()
                            .addInstanceIds(id)
                            .setPeriodMonths(1)
                            .setDryRun(true)
                            .build()),
            id ->
                () ->
                    asBob.inquiryPriceRenewInstances(
                        InquiryPriceRenewInstancesRequest.newBuilder()
                            .addInstanceIds(id)
                            .setPeriodMonths(1)
                            .build()),
            id ->
                () ->
                    asBob.setAutoRenew(
                        SetAutoRenewRequest.newBuilder()
                            .addInstanceIds(id)
                            .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                            .build()),
            id ->
                () ->
                    asBob.setUnifiedExpiry(
                        SetUnifiedExpiryRequest.newBuilder()
                            .addInstanceIds(id)
                            .setExpiryDay(5)
                            .build()),
            id ->
                () ->
                    asBob.inquiryPriceUnifiedExpiry(
                        InquiryPriceUnifiedExpiryRequest.newBuilder()
                            .addInstanceIds(id)
                            .setExpiryDay(5)
                            .build()),
            id ->
                () ->
                    asBob.terminateInstances(
                        TerminateInstancesRequest.newBuilder().addInstanceIds(id).build()));
    for (Function<String, ThrowingCallable> call : calls) {
      ErrorInfo foreignInfo =
          Errors.assertError(Status.Code.NOT_FOUND, "INSTANCE_NOT_FOUND", call.apply(foreign));
      ErrorInfo unknownInfo =
          Errors.assertError(Status.Code.NOT_FOUND, "INSTANCE_NOT_FOUND", call.apply(unknown));
      assertThat(foreignInfo.getMetadataMap().get("instanceIds")).isEqualTo(foreign);
      assertThat(foreignInfo.getMetadataMap().toString().replace(foreign, unknown))
          .isEqualTo(unknownInfo.getMetadataMap().toString());
      assertThat(message(call.apply(foreign)).replace(foreign, unknown))
          .isEqualTo(message(call.apply(unknown)));
    }
    // Lists and filters never show another account's data.
    DescribeInstancesResponse filtered =
        asBob.describeInstances(
            DescribeInstancesRequest.newBuilder()
                .addInstanceIds(foreign)
                .addInstanceIds(aliceInstances.get(1).getInstanceId())
                .build());
    assertThat(filtered.getInstancesList()).isEmpty();
    assertThat(
            asBob
                .describeInstances(DescribeInstancesRequest.getDefaultInstance())
                .getInstancesList())
        .isEmpty();
    assertThat(asBob.listEvents(ListEventsRequest.getDefaultInstance()).getEventsList())
        .allMatch(e -> e.getAccountId().equals(bob.accountId()));
    assertThat(
            asBob
                .describeBillingRecords(DescribeBillingRecordsRequest.getDefaultInstance())
                .getRecordsList())
        .allMatch(
            r ->
                r.getInstanceIdsList().stream()
                    .noneMatch(
                        aliceInstances.stream().map(Instance::getInstanceId).toList()::contains));
    assertThat(
            asBob
                .describeAccount(DescribeAccountRequest.getDefaultInstance())
                .getAccount()
                .getAccountId())
        .isEqualTo(bob.accountId());
    // Alice's instances are untouched.
    assertThat(
            server
                .tenant(alice.apiKey())
                .describeInstances(DescribeInstancesRequest.getDefaultInstance())
                .getInstancesList())
        .containsAll(aliceInstances);
  }

  @Test
  void aPageTokenOfAnotherAccountIsRefused() {
    List<Instance> more = server.createPrepaid(alice, 3, Instant.now().plus(Duration.ofDays(20)));
    try {
      String token =
          server
              .tenant(alice.apiKey())
              .describeInstances(DescribeInstancesRequest.newBuilder().setPageSize(1).build())
              .getNextPageToken();
      assertThat(token).isNotEmpty();
      Errors.assertError(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_PAGE_TOKEN",
          () ->
              server
                  .tenant(bob.apiKey())
                  .describeInstances(
                      DescribeInstancesRequest.newBuilder()
                          .setPageSize(1)
                          .setPageToken(token)
                          .build()));
    } finally {
      assertThat(more).hasSize(3);
    }
  }

  private static String message(ThrowingCallable call) {
    try {
      call.call();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getDescription();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void apiKeysAreStoredHashedAndNeverLogged() throws Exception {
    try (LogCapture logs = LogCapture.root()) {
      var created =
          server
              .admin()
              .createAccount(
                  com.cvmbilling.renewal.v1.CreateAccountRequest.newBuilder()
                      .setDisplayName("key holder")
                      .build());
      String key = created.getApiKey();
      String second =
          server
              .admin()
              .createApiKey(
                  com.cvmbilling.renewal.v1.CreateApiKeyRequest.newBuilder()
                      .setAccountId(created.getAccount().getAccountId())
                      .build())
              .getApiKey();
      server.tenant(key).describeAccount(DescribeAccountRequest.getDefaultInstance());
      String wrong = key.substring(0, key.length() - 4) + "zzzz";
      Errors.assertError(
          Status.Code.UNAUTHENTICATED,
          "INVALID_CREDENTIALS",
          () -> server.tenant(wrong).describeAccount(DescribeAccountRequest.getDefaultInstance()));
      Errors.assertError(
          Status.Code.PERMISSION_DENIED,
          "ADMIN_REQUIRED",
          () ->
              AdminServiceGrpc.newBlockingStub(server.channel())
                  .withInterceptors(
                      io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(
                          TestServer.bearer(second)))
                  .createApiKey(
                      com.cvmbilling.renewal.v1.CreateApiKeyRequest.newBuilder()
                          .setAccountId("x")
                          .build()));

      // Stored: only the SHA-256 (and a short prefix), never the key.
      List<String> rows = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(db.settings().url(), "sa", "");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT key_hash, key_prefix, account_id FROM api_key")) {
        while (rs.next()) {
          rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
        }
      }
      String hash =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(key.getBytes(StandardCharsets.UTF_8)));
      assertThat(rows).anyMatch(r -> r.startsWith(hash + "|"));
      assertThat(String.join("\n", rows)).doesNotContain(key).doesNotContain(second);

      // Logged: calls are, keys are not (neither valid, nor wrong, nor admin).
      List<String> lines = logs.lines();
      assertThat(lines).anyMatch(l -> l.contains("DescribeAccount"));
      for (String secret : List.of(key, second, wrong, TcpTestServer.ADMIN_KEY)) {
        assertThat(lines).noneMatch(l -> l.contains(secret));
      }
    }
  }

  /** Every SQL value is bound: no ${...} text substitution in any mapper. */
  @Test
  void mappersBindEverySqlValue() throws IOException, URISyntaxException {
    Path dir =
        Path.of(
                getClass()
                    .getResource("/com/cvmbilling/renewal/server/persistence/AccountMapper.xml")
                    .toURI())
            .getParent();
    List<Path> mappers;
    try (Stream<Path> files = Files.list(dir)) {
      mappers = files.filter(f -> f.toString().endsWith(".xml")).toList();
    }
    assertThat(mappers).hasSizeGreaterThanOrEqualTo(8);
    for (Path mapper : mappers) {
      assertThat(Files.readString(mapper)).as(mapper.getFileName().toString()).doesNotContain("${");
    }
  }
}
