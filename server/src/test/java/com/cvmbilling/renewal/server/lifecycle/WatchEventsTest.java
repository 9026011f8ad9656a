package com.cvmbilling.renewal.server.lifecycle;

import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.create;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.events;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.app.RenewalServer;
import com.cvmbilling.renewal.server.service.EventStreams;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.WatchEventsRequest;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WatchEvents (SPEC 9): the backlog, then live events written by any replica; a consumer that
 * disconnects and resumes (on another replica) with its last event_id misses none and sees none
 * twice; a server shutting down ends streams with UNAVAILABLE.
 */
@Tier.H2
@Tier.MariaDb
@Tier.Network
class WatchEventsTest {
  static final Instant T = Instant.parse("2027-05-01T00:00:00Z");

  /** One WatchEvents call, recording what arrives and how it ends. */
  static final class Watch implements ClientResponseObserver<WatchEventsRequest, Event> {
    final List<Event> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    volatile ClientCallStreamObserver<WatchEventsRequest> call;

    static Watch start(Channel channel, String apiKey, long afterEventId) {
      Watch w = new Watch();
      RenewalServiceGrpc.newStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(apiKey)))
          .watchEvents(WatchEventsRequest.newBuilder().setAfterEventId(afterEventId).build(), w);
      return w;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchEventsRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(Event value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      ended.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended.complete(Status.OK);
    }

    long lastEventId() {
      return received.get(received.size() - 1).getEventId();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aConsumerThatResumesWithItsLastIdOnAnotherReplicaGetsEveryEventOnceInOrder(Kind kind)
      throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer a =
            new TestServer(
                LifecycleFixtures.config(db.settings())
                    .eventsPollInterval(Duration.ofMillis(20))
                    .build(),
                new TestClock(T));
        TestServer b =
            new TestServer(
                LifecycleFixtures.config(db.settings())
                    .eventsPollInterval(Duration.ofMillis(20))
                    .build(),
                new TestClock(T))) {
      TestAccount acct = a.createAccount(100_000_000);
      List<String> renewable =
          create(
                  a,
                  acct,
                  "S5.SMALL2",
                  1,
                  RenewFlag.NOTIFY_AND_MANUAL_RENEW,
                  1,
                  20,
                  T.plus(Duration.ofDays(60)))
              .stream()
              .map(Instance::getInstanceId)
              .toList();
      // Their 7-day reminder is already due: the lifecycle job will write one event each.
      create(
          a,
          acct,
          "S5.SMALL2",
          1,
          RenewFlag.NOTIFY_AND_MANUAL_RENEW,
          1,
          10,
          T.plus(Duration.ofDays(5)));
      // Another account's events must never show up.
      TestAccount other = b.createAccount(1_000_000);
      String otherInstance =
          create(
                  b,
                  other,
                  "S5.SMALL2",
                  1,
                  RenewFlag.NOTIFY_AND_MANUAL_RENEW,
                  1,
                  1,
                  T.plus(Duration.ofDays(60)))
              .get(0)
              .getInstanceId();

      for (int n = 0; n < 10; n++) {
        renew(a, acct, renewable.get(n));
      }

      // Backlog, then live events from both replicas while the consumer is connected.
      Watch first = Watch.start(a.channel(), acct.apiKey(), 0);
      await(() -> first.received.size() >= 10, "backlog of 10");
      ExecutorService writers = Executors.newFixedThreadPool(3);
      List<Future<?>> writing = new ArrayList<>();
      for (TestServer server : List.of(a, b)) {
        Random random = new Random(server == a ? 1 : 2);
        writing.add(
            writers.submit(
                () -> {
                  for (int n = 0; n < 15; n++) {
                    renew(server, acct, renewable.get(random.nextInt(renewable.size())));
                  }
                }));
      }
      writing.add(
          writers.submit(
              () -> {
                for (int n = 0; n < 5; n++) {
                  renew(b, other, otherInstance);
                }
              }));
      await(() -> first.received.size() >= 18, "some live events");
      first.call.cancel("consumer goes away", null);
      assertThat(first.ended.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
      long lastSeen = first.lastEventId();
      EventStreams streamsOfA = a.server().injector().getInstance(EventStreams.class);
      await(() -> streamsOfA.activeWatches() == 0, "the cancelled watch to be dropped");

      // While it is away: the rest of the writes, the lifecycle job on replica b, more renewals on
      // a.
      for (Future<?> f : writing) {
        f.get(60, TimeUnit.SECONDS);
      }
      writers.shutdown();
      assertThat(LifecycleFixtures.lifecycle(b).runDue(T)).isEqualTo(10);
      for (int n = 0; n < 5; n++) {
        renew(a, acct, renewable.get(n));
      }
      List<Event> expected = events(a.tenant(acct));
      assertThat(expected).hasSize(10 + 30 + 10 + 5);

      // Resumes on the other replica with its last id.
      Watch second = Watch.start(b.channel(), acct.apiKey(), lastSeen);
      await(() -> first.received.size() + second.received.size() >= expected.size(), "the rest");
      Thread.sleep(200); // a few more polls: nothing else may arrive
      second.call.cancel("done", null);

      List<Event> all = new ArrayList<>(first.received);
      all.addAll(second.received);
      assertThat(all)
          .extracting(Event::getEventId)
          .containsExactlyElementsOf(expected.stream().map(Event::getEventId).toList());
      assertThat(all).containsExactlyElementsOf(expected);
      assertThat(all).allSatisfy(e -> assertThat(e.getAccountId()).isEqualTo(acct.accountId()));
      assertThat(second.received)
          .extracting(Event::getType)
          .contains(Event.Type.REMINDER, Event.Type.RENEWED);
    }
  }

  @Test
  void serverShutdownEndsStreamsWithUnavailable() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2()) {
      RenewalServer server =
          RenewalServer.create(
                  LifecycleFixtures.config(db.settings())
                      .port(0)
                      .eventsPollInterval(Duration.ofMillis(20))
                      .build(),
                  new TestClock(T))
              .start();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      boolean closed = false;
      try {
        CreateAccountResponse created =
            AdminServiceGrpc.newBlockingStub(channel)
                .withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(
                        TestServer.bearer(TestServer.ADMIN_KEY)))
                .createAccount(
                    CreateAccountRequest.newBuilder()
                        .setDisplayName("watcher")
                        .setBillingTimeZone("UTC")
                        .setInitialBalance(TestServer.money(100))
                        .build());
        Watch one = Watch.start(channel, created.getApiKey(), 0);
        Watch two = Watch.start(channel, created.getApiKey(), 0);
        EventStreams streams = server.injector().getInstance(EventStreams.class);
        await(() -> streams.activeWatches() == 2, "two watches");

        long closing = System.nanoTime();
        server.close();
        closed = true;
        assertThat(Duration.ofNanos(System.nanoTime() - closing))
            .isLessThan(Duration.ofSeconds(10));
        for (Watch w : List.of(one, two)) {
          Status status = w.ended.get(10, TimeUnit.SECONDS);
          assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(status.getDescription()).contains("reconnect");
        }
      } finally {
        channel.shutdownNow();
        if (!closed) {
          server.close();
        }
      }
    }
  }

  static void renew(TestServer server, TestAccount acct, String instanceId) {
    server
        .tenant(acct)
        .renewInstances(
            RenewInstancesRequest.newBuilder()
                .addInstanceIds(instanceId)
                .setPeriodMonths(1)
                .build());
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
