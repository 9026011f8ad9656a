package com.cvmbilling.renewal.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.config.IdempotencySettings;
import com.cvmbilling.renewal.server.config.LifecycleSettings;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.grpc.CallObserver;
import com.cvmbilling.renewal.server.grpc.TestClockGrpcService;
import com.cvmbilling.renewal.server.persistence.CallDeadline;
import com.cvmbilling.renewal.server.persistence.DataSources;
import com.cvmbilling.renewal.server.persistence.PersistenceModule;
import com.cvmbilling.renewal.server.persistence.TransactionSettings;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.zaxxer.hikari.HikariDataSource;
import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Guice builds the server's parts from the typed settings of each area. */
class WiringTest {
  static final Instant NOW = Instant.parse("2027-01-15T00:00:00Z");
  static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();

  @AfterAll
  static void stopTimer() {
    TIMER.shutdownNow();
  }

  @Test
  void eachAreaIsBoundAsItsOwnTypeAndThePartsComeFromTheInjector() {
    try (TestDatabases.TestDatabase db = TestDatabases.h2()) {
      ServerConfig config =
          ServerConfig.forTests(db.settings(), List.of(TestServer.ADMIN_KEY)).toBuilder()
              .idempotency(
                  new IdempotencySettings(
                      Duration.ofHours(1), Duration.ofSeconds(15), Duration.ofMinutes(1)))
              .lifecycleBatchSize(7)
              .build();
      try (TestServer server = new TestServer(config, new TestClock(NOW))) {
        Injector injector = server.server().injector();
        assertThat(injector.getInstance(IdempotencySettings.class).inProgressLease())
            .isEqualTo(Duration.ofSeconds(15));
        assertThat(injector.getInstance(LifecycleSettings.class).batchSize()).isEqualTo(7);
        assertThat(injector.getInstance(CallObserver.class))
            .isSameAs(injector.getInstance(CallObserver.class));
        assertThat(
                injector.getInstance(Key.get(new TypeLiteral<Optional<TestClockGrpcService>>() {})))
            .isPresent();
        assertThat(injector.getInstance(LifecycleRunner.class))
            .isSameAs(injector.getInstance(LifecycleRunner.class));
      }
      try (TestServer real = new TestServer(db.settings())) {
        assertThat(
                real.server()
                    .injector()
                    .getInstance(Key.get(new TypeLiteral<Optional<TestClockGrpcService>>() {})))
            .isEmpty();
      }
    }
  }

  /** The database layer sees the gRPC call's deadline through its own interface, and only that. */
  @Test
  void theGrpcDeadlineReachesTheDatabaseLayerThroughCallDeadline() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TestServer server = new TestServer(db.settings())) {
      CallDeadline deadline = server.server().injector().getInstance(CallDeadline.class);
      assertThat(deadline.remainingMillis()).isEqualTo(Long.MAX_VALUE);
      long inCall =
          Context.current()
              .withDeadline(Deadline.after(3, TimeUnit.SECONDS), TIMER)
              .call(deadline::remainingMillis);
      assertThat(inCall).isBetween(1L, 3_000L);
    }

    // Without a transport (repository tests, tools) there is no deadline at all.
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        HikariDataSource pool = DataSources.create(db.settings())) {
      Injector persistenceOnly =
          Guice.createInjector(
              new PersistenceModule(pool, new TransactionSettings(Duration.ofSeconds(30), 5)));
      CallDeadline none = persistenceOnly.getInstance(CallDeadline.class);
      long inCall =
          Context.current()
              .withDeadline(Deadline.after(3, TimeUnit.SECONDS), TIMER)
              .call(none::remainingMillis);
      assertThat(inCall).isEqualTo(Long.MAX_VALUE);
    }
  }
}
