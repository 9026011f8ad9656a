package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.error.StatusCode;
import com.cvmbilling.renewal.client.error.UnauthenticatedException;
import com.cvmbilling.renewal.client.model.EventInfo;
import com.cvmbilling.renewal.client.model.InstanceInfo;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.testing.RealServer;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.Event;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The WatchEvents listener reconnects and resumes from its last event id. */
@Tier.H2
@Tier.Network
class WatchEventsTest {
  private static final RetrySettings QUICK_RECONNECT =
      RetrySettings.newBuilder()
          .maxAttempts(0)
          .initialBackoff(Duration.ofMillis(100))
          .maxBackoff(Duration.ofMillis(500))
          .retryableCodes(
              java.util.EnumSet.of(
                  StatusCode.UNAVAILABLE, StatusCode.CANCELLED, StatusCode.UNKNOWN))
          .build();

  /** Collects what a watch delivers. */
  private static final class Recorder implements EventListener {
    final List<EventInfo> events = new CopyOnWriteArrayList<>();
    final List<RenewalException> reconnects = new CopyOnWriteArrayList<>();
    final List<RenewalException> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger concurrent = new AtomicInteger();
    volatile boolean overlapped;

    @Override
    public void onEvent(EventInfo event) {
      if (concurrent.incrementAndGet() > 1) {
        overlapped = true;
      }
      events.add(event);
      concurrent.decrementAndGet();
    }

    @Override
    public void onReconnecting(RenewalException cause, long resumeAfterEventId, Duration backoff) {
      reconnects.add(cause);
    }

    @Override
    public void onError(RenewalException error) {
      errors.add(error);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void resumesAfterTheServerRestartsAndMissesNothing() throws Exception {
    try (RealServer server = RealServer.start()) {
      NewAccount account = server.createAccount("10000.00");
      List<InstanceInfo> instances =
          server.createPrepaid(
              account.account().accountId(), 7, Instant.now().plus(20, ChronoUnit.DAYS));
      Recorder recorder = new Recorder();
      try (RenewalClient client =
          server.tenantBuilder(account.apiKey()).watchReconnectSettings(QUICK_RECONNECT).build()) {
        // One event before the watch starts: delivered from the backlog.
        client.renewInstances(List.of(instances.get(0).instanceId()), 1);
        EventWatch watch = client.watchEvents(0, recorder);
        client.renewInstances(List.of(instances.get(1).instanceId()), 1);
        client.renewInstances(List.of(instances.get(2).instanceId()), 1);
        await("3 events", () -> recorder.events.size() == 3);

        // The server goes away; meanwhile a replica on the same database writes two events.
        server.stop();
        try (RealServer replica = server.replica();
            RenewalClient other = replica.tenantBuilder(account.apiKey()).build()) {
          other.renewInstances(List.of(instances.get(3).instanceId()), 1);
          other.renewInstances(List.of(instances.get(4).instanceId()), 1);
        }
        assertThat(recorder.events).hasSize(3);
        await("a reconnect attempt", () -> !recorder.reconnects.isEmpty());

        // The server comes back on the same port; the watch resumes from its last id.
        server.restart();
        await("5 events", () -> recorder.events.size() == 5);
        client.renewInstances(List.of(instances.get(5).instanceId()), 1);
        client.renewInstances(List.of(instances.get(6).instanceId()), 1);
        await("7 events", () -> recorder.events.size() == 7);
        Thread.sleep(300); // nothing more may arrive (no duplicates)

        assertThat(recorder.events).hasSize(7);
        assertThat(recorder.events)
            .extracting(EventInfo::eventId)
            .isSorted()
            .doesNotHaveDuplicates();
        assertThat(recorder.events)
            .extracting(EventInfo::instanceId)
            .containsExactlyElementsOf(instances.stream().map(InstanceInfo::instanceId).toList());
        assertThat(recorder.events)
            .allSatisfy(e -> assertThat(e.type()).isEqualTo(Event.Type.RENEWED));
        assertThat(recorder.reconnects).isNotEmpty();
        assertThat(recorder.reconnects.get(0).statusCode()).isEqualTo(StatusCode.UNAVAILABLE);
        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.overlapped).isFalse();
        assertThat(watch.lastEventId()).isEqualTo(recorder.events.get(6).eventId());
        assertThat(watch.isActive()).isTrue();

        watch.close();
        assertThat(watch.completion()).succeedsWithin(Duration.ofSeconds(5));
        assertThat(watch.isActive()).isFalse();

        // Resuming from a remembered id in a new watch delivers only what came after it.
        Recorder later = new Recorder();
        try (EventWatch resumed = client.watchEvents(recorder.events.get(4).eventId(), later)) {
          await("the 2 later events", () -> later.events.size() == 2);
          assertThat(later.events)
              .extracting(EventInfo::instanceId)
              .containsExactly(instances.get(5).instanceId(), instances.get(6).instanceId());
        }
      }
    }
  }

  @Test
  void stopsWithOnErrorOnAFailureReconnectingCannotFix() throws Exception {
    try (RealServer server = RealServer.start();
        RenewalClient client =
            server.tenantBuilder("rk_wrong_key").watchReconnectSettings(QUICK_RECONNECT).build()) {
      Recorder recorder = new Recorder();
      EventWatch watch = client.watchEvents(0, recorder);
      // The watch stops first, then tells the listener.
      await("the watch to stop", () -> !watch.isActive() && !recorder.errors.isEmpty());
      assertThat(recorder.errors).hasSize(1).first().isInstanceOf(UnauthenticatedException.class);
      assertThat(recorder.reconnects).isEmpty();
      assertThat(watch.completion()).isCompletedExceptionally();
    }
  }
}
