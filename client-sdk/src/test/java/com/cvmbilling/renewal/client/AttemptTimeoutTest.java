package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.client.error.DeadlineExceededException;
import com.cvmbilling.renewal.client.model.Amount;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.model.RenewalOrder;
import com.cvmbilling.renewal.client.testing.FakeServer;
import com.cvmbilling.renewal.client.testing.RealServer;
import com.cvmbilling.renewal.client.testing.ScriptedRenewalService;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code RetrySettings.attemptTimeout}: each attempt gets {@code min(attempt timeout, time left)},
 * an attempt that runs out of it is retried (same client token) while the call's deadline leaves
 * time, and the call's deadline still bounds everything.
 */
@Tier.H2
@Tier.Network
class AttemptTimeoutTest {
  private static final RenewInstancesRequest RENEW =
      RenewInstancesRequest.newBuilder().addInstanceIds("ins-abcd1234").setPeriodMonths(1).build();

  private static RetrySettings attemptTimeout(long millis, int maxAttempts) {
    return RetrySettings.newBuilder()
        .maxAttempts(maxAttempts)
        .initialBackoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofMillis(20))
        .attemptTimeout(Duration.ofMillis(millis))
        .build();
  }

  private final ScriptedRenewalService service = new ScriptedRenewalService();
  private final FakeServer server = new FakeServer(service);
  private final RenewalClient client =
      RenewalClient.newBuilder()
          .target(server.target())
          .plaintext()
          .apiKey("rk_test_key")
          .defaultDeadline(Duration.ofSeconds(20))
          .build();

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** Connects first, so that the timings below are the calls' own. */
  private void warmUp() {
    client.renewInstances(RENEW);
  }

  @Test
  void aHangingAttemptIsCutAtItsTimeoutAndRetriedWithTheSameToken() {
    warmUp();
    service.thenSlow(5000);
    long start = System.nanoTime();

    RenewalOrder order =
        client
            .renewInstancesCallable()
            .call(RENEW, RequestOptions.defaults().retrySettings(attemptTimeout(500, 5)));

    assertThat(millisSince(start)).isLessThan(4000L); // not the 5 s of the hanging attempt
    List<RenewInstancesRequest> calls = service.renewRequests().subList(1, 3);
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).getClientToken())
        .isEqualTo(calls.get(1).getClientToken())
        .isEqualTo(order.clientToken());
    // Each attempt told the server its own deadline, not the call's 20 s.
    assertThat(server.received("RenewInstances").subList(1, 3))
        .allSatisfy(r -> assertThat(r.deadlineMillis()).isBetween(1L, 500L));
  }

  @Test
  void attemptsThatAllTimeOutEndWithDeadlineExceededAfterMaxAttempts() {
    warmUp();
    service.thenSlow(3000).thenSlow(3000).thenSlow(3000);
    long start = System.nanoTime();

    DeadlineExceededException e =
        catchThrowableOfType(
            DeadlineExceededException.class,
            () ->
                client
                    .renewInstancesCallable()
                    .call(RENEW, RequestOptions.defaults().retrySettings(attemptTimeout(300, 3))));

    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e.getMessage()).contains("attempt timeout 300 ms");
    assertThat(e.clientToken()).isPresent();
    assertThat(millisSince(start)).isBetween(850L, 5000L);
  }

  @Test
  void theCallsDeadlineStillBoundsEverything() {
    warmUp();
    for (int i = 0; i < 20; i++) {
      service.thenSlow(3000);
    }
    long start = System.nanoTime();

    DeadlineExceededException e =
        catchThrowableOfType(
            DeadlineExceededException.class,
            () ->
                client
                    .renewInstancesCallable()
                    .call(
                        RENEW,
                        RequestOptions.withDeadline(Duration.ofMillis(1000))
                            .retrySettings(attemptTimeout(300, 0))));

    long took = millisSince(start);
    assertThat(took).isBetween(900L, 2500L);
    assertThat(e.attempts()).isGreaterThanOrEqualTo(2);
    List<FakeServer.Received> attempts = server.received("RenewInstances");
    assertThat(attempts.subList(1, attempts.size()))
        .allSatisfy(r -> assertThat(r.deadlineMillis()).isBetween(1L, 300L));
  }

  @Test
  void withoutAnAttemptTimeoutDeadlineExceededIsNotRetried() {
    warmUp();
    service.thenFail(
        Status.DEADLINE_EXCEEDED.withDescription("server gave up").asRuntimeException());
    assertThatThrownBy(() -> client.renewInstances(RENEW))
        .isInstanceOf(DeadlineExceededException.class);
    assertThat(service.renewRequests()).hasSize(2);
  }

  @Test
  void settingsValidateAndKeepTheAttemptTimeout() {
    RetrySettings s = attemptTimeout(250, 4);
    assertThat(s.attemptTimeout()).contains(Duration.ofMillis(250));
    assertThat(s.toBuilder().build().attemptTimeout()).contains(Duration.ofMillis(250));
    assertThat(s.toBuilder().noAttemptTimeout().build().attemptTimeout()).isEmpty();
    assertThat(RetrySettings.defaults().attemptTimeout()).isEmpty();
    assertThat(s.toString()).contains("attempt timeout 250ms");
    assertThatThrownBy(() -> RetrySettings.newBuilder().attemptTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Against the real server: the first attempt is carried out but its answer comes too late (held
   * past the attempt timeout); the retry, with the same client token, gets the stored result and
   * the account is charged once.
   */
  @Test
  void aTimedOutAttemptThatWasCarriedOutIsNotChargedTwice() {
    AtomicInteger toHold = new AtomicInteger();
    AtomicInteger renewCalls = new AtomicInteger();
    ServerInterceptor holdAnswer =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            if (!call.getMethodDescriptor().getBareMethodName().equals("RenewInstances")) {
              return next.startCall(call, headers);
            }
            renewCalls.incrementAndGet();
            if (toHold.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
              return next.startCall(call, headers);
            }
            return next.startCall(
                new SimpleForwardingServerCall<>(call) {
                  @Override
                  public void close(Status status, Metadata trailers) {
                    RealServer.sleep(2500); // committed; the answer is late
                    super.close(status, trailers);
                  }
                },
                headers);
          }
        };
    try (RealServer real = RealServer.start(holdAnswer)) {
      NewAccount account = real.createAccount("1000.00");
      String id =
          real.createPrepaid(
                  account.account().accountId(), 1, Instant.now().plus(3, ChronoUnit.DAYS))
              .get(0)
              .instanceId();
      try (RenewalClient tenant =
          real.tenantBuilder(account.apiKey()).retrySettings(attemptTimeout(1000, 5)).build()) {
        Amount before = tenant.describeAccount().balance();
        toHold.set(1);

        RenewalOrder order = tenant.renewInstances(List.of(id), 1);

        assertThat(toHold.get()).isZero();
        assertThat(renewCalls.get()).isEqualTo(2); // the held attempt and its retry
        assertThat(tenant.describeAccount().balance())
            .isEqualTo(before.subtract(order.totalPrice()));
      }
    }
  }
}
