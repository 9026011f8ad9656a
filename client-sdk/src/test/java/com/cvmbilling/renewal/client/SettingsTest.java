package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.client.error.StatusCode;
import com.cvmbilling.renewal.server.testing.Tier;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

@Tier.Unit
class SettingsTest {
  @Test
  void clientErrorsCanNeverBeMadeRetryable() {
    for (StatusCode code :
        EnumSet.of(
            StatusCode.INVALID_ARGUMENT,
            StatusCode.FAILED_PRECONDITION,
            StatusCode.NOT_FOUND,
            StatusCode.UNAUTHENTICATED)) {
      assertThatThrownBy(() -> RetrySettings.newBuilder().retryableCodes(Set.of(code)))
          .isInstanceOf(IllegalArgumentException.class);
      // Not even through a reason.
      RetrySettings byReason =
          RetrySettings.newBuilder().retryableReasons(Set.of("INSUFFICIENT_BALANCE")).build();
      assertThat(byReason.isRetryable(code, "INSUFFICIENT_BALANCE")).isFalse();
    }
    RetrySettings defaults = RetrySettings.defaults();
    assertThat(defaults.isRetryable(StatusCode.UNAVAILABLE, "")).isTrue();
    assertThat(defaults.isRetryable(StatusCode.ABORTED, "REQUEST_IN_PROGRESS")).isTrue();
    assertThat(defaults.isRetryable(StatusCode.ABORTED, "CONCURRENT_MODIFICATION")).isFalse();
    assertThat(defaults.isRetryable(StatusCode.DEADLINE_EXCEEDED, "")).isFalse();
    assertThat(defaults.isRetryable(StatusCode.INTERNAL, "")).isFalse();
  }

  @Test
  void backoffGrowsExponentiallyUpToTheCapWithJitterBelowIt() {
    RetrySettings s =
        RetrySettings.newBuilder()
            .initialBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofMillis(1000))
            .backoffMultiplier(2)
            .jitter(0.5)
            .build();
    assertThat(s.backoff(1, 0)).isEqualTo(Duration.ofMillis(100));
    assertThat(s.backoff(2, 0)).isEqualTo(Duration.ofMillis(200));
    assertThat(s.backoff(4, 0)).isEqualTo(Duration.ofMillis(800));
    assertThat(s.backoff(9, 0)).isEqualTo(Duration.ofMillis(1000));
    assertThat(s.backoff(2, 0.999)).isBetween(Duration.ofMillis(100), Duration.ofMillis(101));
    assertThat(s.hasAttemptsLeft(4)).isTrue();
    assertThat(s.hasAttemptsLeft(5)).isFalse();
    assertThat(RetrySettings.newBuilder().maxAttempts(0).build().hasAttemptsLeft(1000)).isTrue();
    assertThatThrownBy(() -> RetrySettings.newBuilder().jitter(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                RetrySettings.newBuilder()
                    .initialBackoff(Duration.ofSeconds(10))
                    .maxBackoff(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void perRpcRetryDefaultsFollowWhetherARetryIsSafe() {
    RetrySettings custom = RetrySettings.newBuilder().maxAttempts(9).build();
    ClientSettings settings =
        RenewalClient.newBuilder()
            .target("localhost")
            .apiKey("k")
            .retrySettings(custom)
            .retrySettings(Rpc.DESCRIBE_ACCOUNT, RetrySettings.none())
            .settings();
    assertThat(settings.retrySettings(Rpc.RENEW_INSTANCES)).isSameAs(custom);
    assertThat(settings.retrySettings(Rpc.DESCRIBE_ACCOUNT)).isSameAs(RetrySettings.none());
    assertThat(settings.retrySettings(Rpc.CREATE_ACCOUNT)).isSameAs(RetrySettings.none());
    assertThat(settings.retrySettings(Rpc.ADVANCE_TIME)).isSameAs(RetrySettings.none());
    assertThat(Rpc.RENEW_INSTANCES.takesClientToken()).isTrue();
    assertThat(Rpc.CREATE_ACCOUNT.takesClientToken()).isFalse();
    assertThat(settings.defaultDeadline()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.tls()).isPresent(); // TLS unless plaintext() is asked for
    assertThat(settings.toString()).doesNotContain("=k,").contains("localhost");
  }

  @Test
  void targetsAreValidatedAndDefaultThePort() {
    assertThat(ClientBuilder.parseTarget("billing.internal").getPort()).isEqualTo(50051);
    assertThat(ClientBuilder.parseTarget("[::1]:7000").getHostString()).isEqualTo("::1");
    assertThat(Channels.authority("[::1]:7000")).isEqualTo("[::1]:7000");
    assertThat(Channels.authority("10.0.0.1")).isEqualTo("10.0.0.1:50051");
    assertThatThrownBy(() -> ClientBuilder.parseTarget("dns:///x:1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientBuilder.parseTarget("a:b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RenewalClient.newBuilder().apiKey("k").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RenewalClient.newBuilder().target("x:1").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RenewalClient.newBuilder().defaultDeadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> TlsSettings.newBuilder().trustCertificates("not a pem".getBytes()).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clientTokensAreGeneratedOnlyWhereTheRpcTakesOneAndOnlyWhenEmpty() {
    var renew =
        com.cvmbilling.renewal.v1.RenewInstancesRequest.newBuilder()
            .addInstanceIds("ins-a")
            .build();
    var filled = UnaryCaller.withClientToken(Rpc.RENEW_INSTANCES, renew);
    assertThat(filled.getClientToken()).matches("sdk-[0-9a-f-]{36}");
    assertThat(UnaryCaller.withClientToken(Rpc.RENEW_INSTANCES, filled)).isSameAs(filled);
    var inquiry = com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesRequest.getDefaultInstance();
    assertThat(UnaryCaller.withClientToken(Rpc.INQUIRY_PRICE_RENEW_INSTANCES, inquiry))
        .isSameAs(inquiry);
    assertThat(RenewalSdk.VERSION).matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
  }
}
