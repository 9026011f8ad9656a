package com.cvmbilling.renewal.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribePricesRequest;
import com.cvmbilling.renewal.v1.GetTimeRequest;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Authentication and authorization (SPEC 8): `authorization: Bearer <api key>`. */
@Tier.H2
class AuthTest extends ServiceTestBase {

  RenewalServiceGrpc.RenewalServiceBlockingStub renewalWithHeader(String value) {
    var stub = RenewalServiceGrpc.newBlockingStub(server.channel());
    return value == null
        ? stub
        : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header(value)));
  }

  AdminServiceGrpc.AdminServiceBlockingStub adminWithHeader(String value) {
    var stub = AdminServiceGrpc.newBlockingStub(server.channel());
    return value == null
        ? stub
        : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header(value)));
  }

  static Metadata header(String value) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
    return md;
  }

  static final DescribeAccountRequest ANY_ACCOUNT = DescribeAccountRequest.getDefaultInstance();

  static CreateAccountRequest anAccount() {
    return CreateAccountRequest.newBuilder().setDisplayName("x").build();
  }

  @Test
  void noHeaderIsMissingCredentials() {
    assertError(
        Status.Code.UNAUTHENTICATED,
        "MISSING_CREDENTIALS",
        () -> renewalWithHeader(null).describeAccount(DescribeAccountRequest.getDefaultInstance()));
    assertError(
        Status.Code.UNAUTHENTICATED,
        "MISSING_CREDENTIALS",
        () -> renewalWithHeader(null).describePrices(DescribePricesRequest.getDefaultInstance()));
    assertError(
        Status.Code.UNAUTHENTICATED,
        "MISSING_CREDENTIALS",
        () -> adminWithHeader(null).createAccount(anAccount()));
    assertError(
        Status.Code.UNAUTHENTICATED,
        "MISSING_CREDENTIALS",
        () -> renewalWithHeader("").describeAccount(DescribeAccountRequest.getDefaultInstance()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Bearer rk_notarealkey0000000000000000000000",
        "Bearer test-admin-key-not",
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "Bearer     ",
        "rk_justthekey",
        "Token abc",
        "BearerX abc"
      })
  void badOrMalformedHeaderIsInvalidCredentials(String value) {
    assertError(
        Status.Code.UNAUTHENTICATED,
        "INVALID_CREDENTIALS",
        () ->
            renewalWithHeader(value).describeAccount(DescribeAccountRequest.getDefaultInstance()));
    assertError(
        Status.Code.UNAUTHENTICATED,
        "INVALID_CREDENTIALS",
        () -> adminWithHeader(value).createAccount(anAccount()));
  }

  @Test
  void anOverlongKeyIsInvalidCredentials() {
    assertError(
        Status.Code.UNAUTHENTICATED,
        "INVALID_CREDENTIALS",
        () -> renewalWithHeader("Bearer " + "k".repeat(5000)).describeAccount(ANY_ACCOUNT));
  }

  @Test
  void theSchemeIsCaseInsensitive() {
    TestAccount acct = account(4200);
    assertThat(
            fen(
                renewalWithHeader("bearer " + acct.apiKey())
                    .describeAccount(DescribeAccountRequest.getDefaultInstance())
                    .getAccount()
                    .getBalance()))
        .isEqualTo(4200);
    assertThat(
            fen(
                renewalWithHeader("BEARER " + acct.apiKey())
                    .describeAccount(DescribeAccountRequest.getDefaultInstance())
                    .getAccount()
                    .getBalance()))
        .isEqualTo(4200);
  }

  @Test
  void aKeyWithAPrefixOrSuffixIsNotTheKey() {
    TestAccount acct = account(1);
    assertError(
        Status.Code.UNAUTHENTICATED,
        "INVALID_CREDENTIALS",
        () -> renewalWithHeader("Bearer " + acct.apiKey() + "x").describeAccount(ANY_ACCOUNT));
    assertError(
        Status.Code.UNAUTHENTICATED,
        "INVALID_CREDENTIALS",
        () ->
            renewalWithHeader("Bearer " + acct.apiKey().substring(1)).describeAccount(ANY_ACCOUNT));
  }

  @Test
  void tenantKeyOnAdminServiceIsAdminRequired() {
    TestAccount acct = account(100);

    assertError(
        Status.Code.PERMISSION_DENIED,
        "ADMIN_REQUIRED",
        () -> adminWithHeader("Bearer " + acct.apiKey()).createAccount(anAccount()));
    assertError(
        Status.Code.PERMISSION_DENIED,
        "ADMIN_REQUIRED",
        () ->
            adminWithHeader("Bearer " + acct.apiKey())
                .topUpBalance(
                    TopUpBalanceRequest.newBuilder()
                        .setAccountId(acct.accountId())
                        .setAmount(TestServer.money(1_000_000))
                        .build()));
    assertError(
        Status.Code.PERMISSION_DENIED,
        "ADMIN_REQUIRED",
        () ->
            adminWithHeader("Bearer " + acct.apiKey())
                .createApiKey(
                    CreateApiKeyRequest.newBuilder().setAccountId(acct.accountId()).build()));
    assertThat(balance(acct)).isEqualTo(100);
  }

  @Test
  void adminKeyOnRenewalServiceIsTenantKeyRequired() {
    assertError(
        Status.Code.PERMISSION_DENIED,
        "TENANT_KEY_REQUIRED",
        () ->
            renewalWithHeader("Bearer " + TestServer.ADMIN_KEY)
                .describePrices(DescribePricesRequest.getDefaultInstance()));
    assertError(
        Status.Code.PERMISSION_DENIED,
        "TENANT_KEY_REQUIRED",
        () ->
            renewalWithHeader("Bearer " + TestServer.ADMIN_KEY)
                .renewInstances(
                    RenewInstancesRequest.newBuilder()
                        .addInstanceIds("ins-00000000")
                        .setPeriodMonths(1)
                        .build()));
  }

  @Test
  void authIsCheckedBeforeTheRequest() {
    // A bad request without credentials reports the credentials, not the request.
    assertError(
        Status.Code.UNAUTHENTICATED,
        "MISSING_CREDENTIALS",
        () ->
            renewalWithHeader(null)
                .renewInstances(RenewInstancesRequest.newBuilder().setPeriodMonths(99).build()));
  }

  @Test
  void eachTenantKeyActsOnItsOwnAccount() {
    TestAccount one = account(111);
    TestAccount two = account(222);
    assertThat(balance(one)).isEqualTo(111);
    assertThat(balance(two)).isEqualTo(222);
  }

  @Test
  void healthNeedsNoKey() {
    HealthCheckResponse overall =
        HealthGrpc.newBlockingStub(server.channel())
            .check(HealthCheckRequest.newBuilder().setService("").build());
    assertThat(overall.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    server.server().probeDatabase();
    HealthCheckResponse renewal =
        HealthGrpc.newBlockingStub(server.channel())
            .check(
                HealthCheckRequest.newBuilder()
                    .setService("cvm.renewal.v1.RenewalService")
                    .build());
    assertThat(renewal.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void reflectionNeedsNoKey() throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    var requests =
        ServerReflectionGrpc.newStub(server.channel())
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
        .contains(
            "cvm.renewal.v1.RenewalService",
            "cvm.renewal.v1.AdminService",
            "grpc.health.v1.Health");
  }

  @Test
  void testClockServiceIsNotServedWithoutTheTestClock() {
    var stub =
        TestClockServiceGrpc.newBlockingStub(server.channel())
            .withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(TestServer.ADMIN_KEY)));
    io.grpc.StatusRuntimeException e =
        failure(() -> stub.getTime(GetTimeRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
  }
}
