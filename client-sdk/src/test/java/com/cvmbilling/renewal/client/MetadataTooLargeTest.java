package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.client.error.MetadataTooLargeException;
import com.cvmbilling.renewal.client.error.ResourceExhaustedException;
import com.cvmbilling.renewal.client.error.StatusCode;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.testing.RealServer;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Request headers over the server's {@code --max-metadata-size} arrive as {@link
 * MetadataTooLargeException} ({@code RESOURCE_EXHAUSTED}/{@code METADATA_TOO_LARGE}) and are never
 * retried: every attempt would send the same headers.
 */
@Tier.H2
@Tier.Network
class MetadataTooLargeTest {
  private static final Metadata.Key<String> PADDING =
      Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER);

  /** Adds a 12,000-character header (the server's default limit is 8 KiB) and counts attempts. */
  private static final class Padding implements ClientInterceptor {
    final AtomicInteger attempts = new AtomicInteger();

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          attempts.incrementAndGet();
          headers.put(PADDING, "p".repeat(12_000));
          super.start(listener, headers);
        }
      };
    }
  }

  @Test
  void oversizedHeadersAreTypedAndNotRetriedEvenWhenResourceExhaustedIs() {
    try (RealServer server = RealServer.start()) {
      NewAccount account = server.createAccount("10.00");
      Padding padding = new Padding();
      // A caller that asked for RESOURCE_EXHAUSTED to be retried: still one attempt.
      RetrySettings eager =
          RetrySettings.newBuilder()
              .maxAttempts(5)
              .initialBackoff(Duration.ofMillis(10))
              .retryableCodes(EnumSet.of(StatusCode.UNAVAILABLE, StatusCode.RESOURCE_EXHAUSTED))
              .build();
      try (RenewalClient client =
          server
              .tenantBuilder(account.apiKey())
              .interceptors(padding)
              .retrySettings(Rpc.DESCRIBE_ACCOUNT, eager)
              .build()) {
        MetadataTooLargeException e =
            catchThrowableOfType(MetadataTooLargeException.class, client::describeAccount);

        assertThat(e).isInstanceOf(ResourceExhaustedException.class);
        assertThat(e.statusCode()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
        assertThat(e.errorReason()).isEqualTo(ErrorReason.METADATA_TOO_LARGE);
        assertThat(e.metadata("limitBytes")).contains("8192");
        assertThat(Long.parseLong(e.metadata("sizeBytes").orElseThrow())).isGreaterThan(12_000L);
        assertThat(e.retryDelay()).isEmpty();
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(padding.attempts).hasValue(1);
      }
      // Without the padding the same client settings work: only the headers were wrong.
      try (RenewalClient client = server.tenantBuilder(account.apiKey()).build()) {
        assertThat(client.describeAccount().accountId()).isEqualTo(account.account().accountId());
      }
    }
  }

  @Test
  void noSettingMakesItRetryable() {
    assertThat(
            RetrySettings.newBuilder()
                .retryableCodes(EnumSet.of(StatusCode.RESOURCE_EXHAUSTED))
                .build()
                .isRetryable(StatusCode.RESOURCE_EXHAUSTED, "METADATA_TOO_LARGE"))
        .isFalse();
    assertThat(RetrySettings.defaults().isRetryable(StatusCode.RESOURCE_EXHAUSTED, "RATE_LIMITED"))
        .isTrue();
    assertThatThrownBy(
            () -> RetrySettings.newBuilder().retryableReasons(Set.of("METADATA_TOO_LARGE")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("METADATA_TOO_LARGE");
  }
}
