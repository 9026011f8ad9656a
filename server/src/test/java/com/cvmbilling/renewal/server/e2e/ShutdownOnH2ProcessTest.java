package com.cvmbilling.renewal.server.e2e;

import static com.cvmbilling.renewal.server.testing.TestServer.fen;
import static com.cvmbilling.renewal.server.testing.TestServer.money;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.app.DemoData;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.cvmbilling.renewal.v1.WatchEventsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on the embedded H2 default (issue #12 point 6): calls in flight finish against a database
 * that is still open (H2 no longer closes it from its own shutdown hook, at the same time as the
 * drain), an open WatchEvents stream ends with UNAVAILABLE, nothing is logged as an exception, the
 * process exits 0, and after a restart the balance is what the last successful renewal reported.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@Tier.Process
@Tier.Network
@Tier.H2
class ShutdownOnH2ProcessTest {
  private static final Duration SHUTDOWN = Duration.ofSeconds(30);
  private static final List<String> INSTANCES =
      List.of("ins-demo0001", "ins-demo0002", "ins-demo0003", "ins-demo0004");

  private static RenewalServiceBlockingStub tenant(ManagedChannel channel) {
    return RenewalServiceGrpc.newBlockingStub(channel)
        .withInterceptors(
            MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(DemoData.TENANT_KEY)));
  }

  /** The demo (embedded H2 under {@code data}) in its own JVM, from this build's classes. */
  private static ServerProcess demo(String name, Path data) {
    return ServerProcess.start(
        name, List.of("--demo", "--port", "0", "--data-dir", data.toString()), Map.of());
  }

  @Test
  void sigtermDrainsCallsInFlightOnTheEmbeddedDatabaseAndExitsZero(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    ServerProcess server = demo("first", data);
    ManagedChannel channel = ServerProcess.channel(server.port());
    ExecutorService load = Executors.newFixedThreadPool(9);
    Map<Status.Code, AtomicInteger> failures = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Long> okBalances = new ConcurrentLinkedQueue<>();
    try {
      AdminServiceGrpc.newBlockingStub(channel)
          .withInterceptors(
              MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(DemoData.ADMIN_KEY)))
          .topUpBalance(
              TopUpBalanceRequest.newBuilder()
                  .setAccountId(DemoData.ACCOUNT_ID)
                  .setAmount(money(100_000_000))
                  .setClientToken("shutdown-topup")
                  .build());

      AtomicReference<Status> watchEnd = new AtomicReference<>();
      CountDownLatch watchEnded = new CountDownLatch(1);
      load.execute(
          () -> {
            try {
              Iterator<Event> events =
                  tenant(channel).watchEvents(WatchEventsRequest.getDefaultInstance());
              events.forEachRemaining(e -> {});
              watchEnd.set(Status.OK);
            } catch (StatusRuntimeException e) {
              watchEnd.set(e.getStatus());
            } finally {
              watchEnded.countDown();
            }
          });

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger token = new AtomicInteger();
      CountDownLatch warmed = new CountDownLatch(20);
      for (int t = 0; t < 8; t++) {
        load.execute(
            () -> {
              while (!stop.get()) {
                int n = token.incrementAndGet();
                try {
                  RenewInstancesResponse r =
                      tenant(channel)
                          .withDeadlineAfter(20, TimeUnit.SECONDS)
                          .renewInstances(
                              RenewInstancesRequest.newBuilder()
                                  .addInstanceIds(INSTANCES.get(n % INSTANCES.size()))
                                  .setPeriodMonths(1)
                                  .setClientToken("shutdown-" + n)
                                  .build());
                  okBalances.add(fen(r.getBalance()));
                  warmed.countDown();
                } catch (StatusRuntimeException e) {
                  failures
                      .computeIfAbsent(e.getStatus().getCode(), c -> new AtomicInteger())
                      .incrementAndGet();
                  if (!server.isAlive()) {
                    return;
                  }
                }
              }
            });
      }
      assertThat(warmed.await(60, TimeUnit.SECONDS)).as("renewals run before SIGTERM").isTrue();

      int exit = server.terminate(SHUTDOWN);
      stop.set(true);

      assertThat(exit).as("exit status after a clean drain").isZero();
      assertThat(watchEnded.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(watchEnd.get().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(failures.keySet())
          .as("refused calls are UNAVAILABLE (shutting down or gone), never a database error")
          .isSubsetOf(List.of(Status.Code.UNAVAILABLE));
      assertThat(server.output())
          .contains("shutting down")
          .doesNotContain("Exception")
          .doesNotContain("already closed");
    } finally {
      load.shutdownNow();
      channel.shutdownNow();
      server.close();
    }

    // Every renewal that answered OK was committed, and nothing else was.
    ServerProcess again = demo("again", data);
    ManagedChannel second = ServerProcess.channel(again.port());
    try {
      long balance =
          fen(
              tenant(second)
                  .withDeadlineAfter(20, TimeUnit.SECONDS)
                  .describeAccount(DescribeAccountRequest.getDefaultInstance())
                  .getAccount()
                  .getBalance());
      List<Long> reported = new ArrayList<>(okBalances);
      assertThat(reported).isNotEmpty();
      assertThat(balance)
          .isEqualTo(reported.stream().mapToLong(Long::longValue).min().orElseThrow());
    } finally {
      second.shutdownNow();
      again.close();
    }
  }
}
