package com.cvmbilling.renewal.client;

import static com.cvmbilling.renewal.client.testing.FakeServer.error;
import static com.cvmbilling.renewal.client.testing.FakeServer.rateLimited;
import static com.cvmbilling.renewal.client.testing.FakeServer.withRetryDelay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.client.error.RateLimitedException;
import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.error.ResourceExhaustedException;
import com.cvmbilling.renewal.client.error.StatusCode;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.testing.FakeServer;
import com.cvmbilling.renewal.client.testing.RealServer;
import com.cvmbilling.renewal.client.testing.ScriptedRenewalService;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code RESOURCE_EXHAUSTED}/{@code RATE_LIMITED} arrives as {@link RateLimitedException} with the
 * server's {@code RetryInfo} as {@code retryDelay()}, and the retry loop waits at least that delay,
 * never past the deadline.
 */
@Tier.H2
@Tier.Network
class RateLimitTest {
  private static final RetrySettings FAST =
      RetrySettings.newBuilder()
          .initialBackoff(Duration.ofMillis(10))
          .maxBackoff(Duration.ofMillis(20))
          .jitter(0)
          .build();
  private static final RenewInstancesRequest RENEW =
      RenewInstancesRequest.newBuilder().addInstanceIds("ins-abcd1234").setPeriodMonths(1).build();

  private final ScriptedRenewalService service = new ScriptedRenewalService();
  private final FakeServer server = new FakeServer(service);
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

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Test
  void theExceptionIsTypedAndCarriesTheServersDelay() {
    RenewalException e = RenewalException.from(rateLimited(Duration.ofMillis(1500)));
    assertThat(e).isExactlyInstanceOf(RateLimitedException.class);
    assertThat(e).isInstanceOf(ResourceExhaustedException.class);
    assertThat(e.statusCode()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
    assertThat(e.errorReason()).isEqualTo(ErrorReason.RATE_LIMITED);
    assertThat(e.retryDelay()).contains(Duration.ofMillis(1500));
    // Without a RetryInfo there is no delay, and nothing fails.
    assertThat(
            RenewalException.from(error(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED"))
                .retryDelay())
        .isEmpty();
    assertThat(RetrySettings.defaults().isRetryable(StatusCode.RESOURCE_EXHAUSTED, "RATE_LIMITED"))
        .isTrue();
    assertThat(RetrySettings.defaults().isRetryable(StatusCode.RESOURCE_EXHAUSTED, "OTHER"))
        .isFalse();
  }

  @Test
  void aRateLimitedCallIsRetriedAfterTheServersDelayNotTheBackoff() {
    service.thenFail(rateLimited(Duration.ofMillis(400)));
    long start = System.nanoTime();

    client.renewInstances(RENEW);

    assertThat(millisSince(start)).isGreaterThanOrEqualTo(400L);
    assertThat(service.renewRequests()).hasSize(2);
    assertThat(
            service.renewRequests().stream().map(RenewInstancesRequest::getClientToken).distinct())
        .hasSize(1); // the same client token: the retry is the same logical call
  }

  @Test
  void anyRetryableFailureCarryingRetryInfoWaitsAtLeastItsDelay() {
    service.thenFail(
        withRetryDelay(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE", Duration.ofMillis(300)));
    long start = System.nanoTime();

    client.renewInstances(RENEW);

    assertThat(millisSince(start)).isGreaterThanOrEqualTo(300L);
    assertThat(service.renewRequests()).hasSize(2);
  }

  @Test
  void aDelayPastTheDeadlineFailsAtOnceInsteadOfSleepingUselessly() {
    service.alwaysFail(rateLimited(Duration.ofSeconds(5)));
    long start = System.nanoTime();

    RateLimitedException e =
        catchThrowableOfType(
            RateLimitedException.class,
            () ->
                client
                    .renewInstancesCallable()
                    .call(RENEW, RequestOptions.withDeadline(Duration.ofSeconds(4))));

    // Well before the deadline (a busy machine may be slow, but not 4 s slow): it did not wait.
    assertThat(millisSince(start)).isLessThan(3000L);
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.retryDelay()).contains(Duration.ofSeconds(5));
    assertThat(e.clientToken()).isPresent();
    assertThat(service.renewRequests()).hasSize(1);
  }

  @Test
  void otherResourceExhaustedReasonsAreNotRetried() {
    service.thenFail(error(Status.Code.RESOURCE_EXHAUSTED, "MESSAGE_TOO_LARGE"));
    ResourceExhaustedException e =
        catchThrowableOfType(ResourceExhaustedException.class, () -> client.renewInstances(RENEW));
    assertThat(e).isNotInstanceOf(RateLimitedException.class);
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(service.renewRequests()).hasSize(1);
  }

  @Test
  void theRealServersRateLimitArrivesTypedAndIsWaitedOut() {
    try (RealServer real = RealServer.startWithRateLimit(1, 1)) {
      NewAccount account = real.createAccount("10.00");
      // 1 call a second: the second call, right after the first, is refused.
      try (RenewalClient once =
          real.tenantBuilder(account.apiKey()).retrySettings(RetrySettings.none()).build()) {
        once.describeAccount(); // the one token of the bucket
        RateLimitedException e =
            catchThrowableOfType(RateLimitedException.class, once::describeAccount);
        assertThat(e.statusCode()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
        assertThat(e.retryDelay())
            .hasValueSatisfying(
                d -> assertThat(d).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1)));
        assertThat(e.metadata("ratePerSecond")).contains("1");
      }
      // With the default retries the same situation just takes a little longer.
      try (RenewalClient retrying = real.tenantBuilder(account.apiKey()).build()) {
        assertThat(retrying.describeAccount().accountId()).isEqualTo(account.account().accountId());
        assertThat(retrying.describeAccount().accountId()).isEqualTo(account.account().accountId());
      }
    }
  }
}
