package com.cvmbilling.renewal.client;

import static com.cvmbilling.renewal.client.testing.FakeServer.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.client.error.DeadlineExceededException;
import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.error.UnavailableException;
import com.cvmbilling.renewal.client.testing.FakeServer;
import com.cvmbilling.renewal.client.testing.ScriptedRenewalService;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The default deadline and the per-call override bound the whole call, and reach the server. */
@Tier.Network
class DeadlineTest {
  private final ScriptedRenewalService service = new ScriptedRenewalService();
  private final FakeServer server = new FakeServer(service);
  private final RenewalClient client =
      RenewalClient.newBuilder()
          .target(server.target())
          .plaintext()
          .apiKey("rk_test_key")
          .defaultDeadline(Duration.ofMillis(400))
          .build();

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  /** Connects first with time to spare, so the timings below are the calls' own. */
  private void warmUp() {
    client
        .describeAccountCallable()
        .call(
            com.cvmbilling.renewal.v1.DescribeAccountRequest.getDefaultInstance(),
            RequestOptions.withDeadline(Duration.ofSeconds(20)));
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Test
  void theDefaultDeadlineEndsASlowCallAndIsSentToTheServer() {
    warmUp();
    service.describeDelayMillis = 3000;
    long start = System.nanoTime();
    DeadlineExceededException e =
        catchThrowableOfType(DeadlineExceededException.class, client::describeAccount);
    long took = millisSince(start);

    assertThat(e).isNotNull();
    assertThat(e.method()).isEqualTo("DescribeAccount");
    assertThat(took).isBetween(350L, 2000L);
    long seenByServer = server.received("DescribeAccount").get(1).deadlineMillis();
    assertThat(seenByServer).isBetween(1L, 400L);
  }

  @Test
  void aPerCallDeadlineOverridesTheDefaultBothWays() {
    warmUp();
    service.describeDelayMillis = 800;
    // Longer than the default: succeeds although the default (400 ms) would not.
    assertThat(
            client
                .describeAccountCallable()
                .call(
                    com.cvmbilling.renewal.v1.DescribeAccountRequest.getDefaultInstance(),
                    RequestOptions.withDeadline(Duration.ofSeconds(5)))
                .accountId())
        .isEqualTo("acc-fake0001");
    assertThat(server.received("DescribeAccount").get(1).deadlineMillis()).isBetween(4000L, 5000L);
    assertThat(catchThrowableOfType(DeadlineExceededException.class, client::describeAccount))
        .isNotNull();

    // Shorter than the default: the default (400 ms) would let this 300 ms call succeed.
    service.describeDelayMillis = 300;
    long start = System.nanoTime();
    assertThat(
            catchThrowableOfType(
                DeadlineExceededException.class,
                () ->
                    client
                        .describeAccountCallable()
                        .call(
                            com.cvmbilling.renewal.v1.DescribeAccountRequest.getDefaultInstance(),
                            RequestOptions.withDeadline(Duration.ofMillis(100)))))
        .isNotNull();
    assertThat(millisSince(start)).isLessThan(1000L);
    assertThat(server.received("DescribeAccount").get(3).deadlineMillis()).isBetween(1L, 100L);
  }

  @Test
  void theDeadlineBoundsAllRetriesTogether() {
    warmUp();
    service.alwaysFail(error(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE"));
    RetrySettings unlimited =
        RetrySettings.newBuilder()
            .maxAttempts(0)
            .initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(50))
            .build();
    long start = System.nanoTime();
    RenewalException e =
        catchThrowableOfType(
            RenewalException.class,
            () ->
                client
                    .renewInstancesCallable()
                    .call(
                        RenewInstancesRequest.newBuilder()
                            .addInstanceIds("ins-abcd1234")
                            .setPeriodMonths(1)
                            .build(),
                        RequestOptions.withDeadline(Duration.ofMillis(600))
                            .retrySettings(unlimited)));
    long took = millisSince(start);

    // The last failure is the server's UNAVAILABLE, or DEADLINE_EXCEEDED when the deadline ran out
    // while the last attempt was on its way (on a busy machine either can come last).
    assertThat(e).isInstanceOfAny(UnavailableException.class, DeadlineExceededException.class);
    assertThat(e.attempts()).isGreaterThan(3);
    assertThat(took).isBetween(500L, 1500L);
    // Every attempt reached the server, except perhaps a last one cut short by the deadline.
    assertThat(service.renewRequests().size()).isBetween(e.attempts() - 1, e.attempts());
    // Each attempt got only what was left of the one deadline.
    var received = server.received("RenewInstances");
    assertThat(received.get(received.size() - 1).deadlineMillis())
        .isLessThan(received.get(0).deadlineMillis());
  }
}
