package com.cvmbilling.renewal.client;

import static com.cvmbilling.renewal.client.testing.FakeServer.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.client.error.AbortedException;
import com.cvmbilling.renewal.client.error.FailedPreconditionException;
import com.cvmbilling.renewal.client.error.IdempotencyKeyReusedException;
import com.cvmbilling.renewal.client.error.InstanceNotFoundException;
import com.cvmbilling.renewal.client.error.InsufficientBalanceException;
import com.cvmbilling.renewal.client.error.InvalidArgumentException;
import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.error.RequestInProgressException;
import com.cvmbilling.renewal.client.error.StatusCode;
import com.cvmbilling.renewal.client.error.UnauthenticatedException;
import com.cvmbilling.renewal.client.error.UnavailableException;
import com.cvmbilling.renewal.client.model.Amount;
import com.cvmbilling.renewal.client.model.RenewalOrder;
import com.cvmbilling.renewal.client.testing.FakeServer;
import com.cvmbilling.renewal.client.testing.ScriptedRenewalService;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which failures are retried, how often, and that every attempt carries the same token and request
 * id.
 */
@Tier.Network
class RetryPolicyTest {
  private static final RetrySettings FAST =
      RetrySettings.newBuilder()
          .initialBackoff(Duration.ofMillis(10))
          .maxBackoff(Duration.ofMillis(40))
          .build();
  private static final RenewInstancesRequest RENEW =
      RenewInstancesRequest.newBuilder().addInstanceIds("ins-abcd1234").setPeriodMonths(1).build();

  private final ScriptedRenewalService service = new ScriptedRenewalService();
  private final AtomicInteger createAccountCalls = new AtomicInteger();
  private final FakeServer server =
      new FakeServer(
          service,
          new AdminServiceGrpc.AdminServiceImplBase() {
            @Override
            public void createAccount(
                CreateAccountRequest request, StreamObserver<CreateAccountResponse> out) {
              createAccountCalls.incrementAndGet();
              out.onError(Status.UNAVAILABLE.withDescription("fake outage").asRuntimeException());
            }
          });
  private final RenewalClient client =
      RenewalClient.newBuilder()
          .target(server.target())
          .plaintext()
          .apiKey("rk_test_key")
          .retrySettings(FAST)
          .build();

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  private List<String> requestIds() {
    return server.received("RenewInstances").stream()
        .map(r -> r.headers().get(FakeServer.REQUEST_ID))
        .toList();
  }

  @Test
  void unavailableIsRetriedWithTheSameClientTokenAndRequestId() {
    service
        .thenFail(error(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE"))
        .thenFail(Status.UNAVAILABLE.withDescription("connection reset").asRuntimeException());

    RenewalOrder order = client.renewInstances(RENEW);

    assertThat(service.renewRequests()).hasSize(3);
    List<String> tokens =
        service.renewRequests().stream()
            .map(RenewInstancesRequest::getClientToken)
            .distinct()
            .toList();
    assertThat(tokens).hasSize(1);
    assertThat(tokens.get(0)).startsWith("sdk-").hasSizeBetween(1, 64);
    assertThat(order.clientToken()).isEqualTo(tokens.get(0));
    assertThat(requestIds()).hasSize(3).doesNotContainNull();
    assertThat(requestIds().stream().distinct()).hasSize(1);
    assertThat(server.received("RenewInstances").get(0).headers().get(FakeServer.AUTHORIZATION))
        .isEqualTo("Bearer rk_test_key");
    assertThat(order.totalPrice()).isEqualTo(Amount.cny("55.00"));
    assertThat(order.balance()).isEqualTo(Amount.cny("945.50"));
  }

  @Test
  void everyLogicalCallGetsItsOwnTokenAndACallersTokenIsKept() {
    client.renewInstances(RENEW);
    client.renewInstances(RENEW);
    service.thenFail(error(Status.Code.UNAVAILABLE, null));
    client.renewInstances(RENEW.toBuilder().setClientToken("my-own-token-1").build());

    List<String> tokens =
        service.renewRequests().stream().map(RenewInstancesRequest::getClientToken).toList();
    assertThat(tokens).hasSize(4);
    assertThat(tokens.get(0)).isNotEqualTo(tokens.get(1));
    assertThat(tokens.subList(2, 4)).containsOnly("my-own-token-1");
  }

  @Test
  void requestInProgressIsRetriedButOtherAbortedReasonsAreNot() {
    service.thenFail(error(Status.Code.ABORTED, "REQUEST_IN_PROGRESS"));
    client.renewInstances(RENEW);
    assertThat(service.renewRequests()).hasSize(2);

    service.thenFail(error(Status.Code.ABORTED, "CONCURRENT_MODIFICATION"));
    AbortedException e =
        catchThrowableOfType(AbortedException.class, () -> client.renewInstances(RENEW));
    assertThat(e).isNotInstanceOf(RequestInProgressException.class);
    assertThat(e.reason()).isEqualTo("CONCURRENT_MODIFICATION");
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(service.renewRequests()).hasSize(3);
  }

  @Test
  void clientErrorsAreNeverRetriedAndArriveAsTypedExceptions() {
    service.thenFail(
        error(
            Status.Code.INVALID_ARGUMENT,
            "INVALID_PERIOD",
            Map.of("periodMonths", "13"),
            null,
            "period_months"));
    InvalidArgumentException invalid =
        catchThrowableOfType(InvalidArgumentException.class, () -> client.renewInstances(RENEW));
    assertThat(invalid.reason()).isEqualTo("INVALID_PERIOD");
    assertThat(invalid.fieldViolations())
        .extracting(RenewalException.FieldViolation::field)
        .containsExactly("period_months");
    assertThat(invalid.metadata("periodMonths")).contains("13");

    service.thenFail(
        error(
            Status.Code.FAILED_PRECONDITION,
            "INSUFFICIENT_BALANCE",
            Map.of("instanceIds", "ins-abcd1234"),
            null));
    InsufficientBalanceException poor =
        catchThrowableOfType(
            InsufficientBalanceException.class, () -> client.renewInstances(RENEW));
    assertThat(poor).isInstanceOf(FailedPreconditionException.class);
    assertThat(poor.statusCode()).isEqualTo(StatusCode.FAILED_PRECONDITION);
    assertThat(poor.domain()).isEqualTo(RenewalException.ERROR_DOMAIN);

    service.thenFail(
        error(
            Status.Code.NOT_FOUND,
            "INSTANCE_NOT_FOUND",
            Map.of("instanceIds", "ins-abcd1234,ins-zzzz9999"),
            null));
    InstanceNotFoundException missing =
        catchThrowableOfType(InstanceNotFoundException.class, () -> client.renewInstances(RENEW));
    assertThat(missing.instanceIds()).containsExactly("ins-abcd1234", "ins-zzzz9999");

    service.thenFail(error(Status.Code.UNAUTHENTICATED, "INVALID_CREDENTIALS"));
    assertThatThrownBy(() -> client.renewInstances(RENEW))
        .isInstanceOf(UnauthenticatedException.class);

    service.thenFail(error(Status.Code.INVALID_ARGUMENT, "IDEMPOTENCY_KEY_REUSED"));
    assertThatThrownBy(() -> client.renewInstances(RENEW))
        .isInstanceOf(IdempotencyKeyReusedException.class);

    assertThat(service.renewRequests()).hasSize(5); // one attempt each
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheTokenAndRequestIdInTheException() {
    service.alwaysFail(error(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE"));
    UnavailableException e =
        catchThrowableOfType(
            UnavailableException.class,
            () ->
                client
                    .renewInstancesCallable()
                    .call(
                        RENEW,
                        RequestOptions.defaults()
                            .retrySettings(FAST.toBuilder().maxAttempts(3).build())
                            .requestId("trace-42")));

    assertThat(e.attempts()).isEqualTo(3);
    assertThat(service.renewRequests()).hasSize(3);
    assertThat(e.reason()).isEqualTo("DATABASE_UNAVAILABLE");
    assertThat(e.method()).isEqualTo("RenewInstances");
    assertThat(e.requestId()).isEqualTo("trace-42");
    assertThat(requestIds()).containsOnly("trace-42");
    assertThat(e.clientToken()).contains(service.renewRequests().get(0).getClientToken());
    assertThat(e.getMessage())
        .contains("UNAVAILABLE", "DATABASE_UNAVAILABLE", "trace-42", "3 attempts");
    assertThat(e.getSuppressed())
        .hasAtLeastOneElementOfType(RuntimeException.class); // the blocking call site
  }

  @Test
  void theServersRequestIdWinsWhenItSendsOne() {
    Metadata trailers = new Metadata();
    trailers.put(FakeServer.REQUEST_ID, "server-req-7");
    service.thenFail(error(Status.Code.FAILED_PRECONDITION, "NOT_PREPAID", Map.of(), trailers));
    RenewalException e =
        catchThrowableOfType(RenewalException.class, () -> client.renewInstances(RENEW));
    assertThat(e.requestId()).isEqualTo("server-req-7");
  }

  @Test
  void asyncFormFailsItsFutureWithTheSameTypedException() {
    service.thenFail(error(Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_BALANCE"));
    assertThatThrownBy(() -> client.renewInstancesCallable().futureCall(RENEW).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(InsufficientBalanceException.class);
    assertThat(client.renewInstancesCallable().futureCall(RENEW).join().orderId())
        .contains("ord-fake");
  }

  @Test
  void callsWithoutAClientTokenAreNotRetriedUnlessConfigured() {
    try (AdminClient admin =
        AdminClient.newBuilder()
            .target(server.target())
            .plaintext()
            .apiKey("admin")
            .retrySettings(FAST)
            .build()) {
      assertThatThrownBy(
              () -> admin.createAccount("x", java.time.ZoneId.of("UTC"), Amount.cny("0")))
          .isInstanceOf(UnavailableException.class);
      assertThat(createAccountCalls.get()).isEqualTo(1);
    }
    try (AdminClient admin =
        AdminClient.newBuilder()
            .target(server.target())
            .plaintext()
            .apiKey("admin")
            .retrySettings(Rpc.CREATE_ACCOUNT, FAST.toBuilder().maxAttempts(2).build())
            .build()) {
      assertThatThrownBy(
              () -> admin.createAccount("x", java.time.ZoneId.of("UTC"), Amount.cny("0")))
          .isInstanceOf(UnavailableException.class);
      assertThat(createAccountCalls.get()).isEqualTo(3);
    }
  }

  @Test
  void aClosedClientFailsCallsWaitingToRetry() throws Exception {
    service.alwaysFail(error(Status.Code.UNAVAILABLE, null));
    var future =
        client
            .renewInstancesCallable()
            .futureCall(
                RENEW,
                RequestOptions.defaults()
                    .retrySettings(
                        RetrySettings.newBuilder()
                            .maxAttempts(0)
                            .initialBackoff(Duration.ofSeconds(5))
                            .maxBackoff(Duration.ofSeconds(5))
                            .jitter(0)
                            .build()));
    long until = System.currentTimeMillis() + 5000;
    while (service.renewRequests().isEmpty() && System.currentTimeMillis() < until) {
      Thread.sleep(10);
    }
    Thread.sleep(100);
    client.close();
    assertThatThrownBy(future::join).hasCauseInstanceOf(RenewalException.class);
    assertThat(service.renewRequests()).hasSize(1);
  }
}
