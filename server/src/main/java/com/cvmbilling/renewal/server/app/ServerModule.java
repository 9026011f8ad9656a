package com.cvmbilling.renewal.server.app;

import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule;
import com.cvmbilling.renewal.server.service.TestClock;
import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Binds the configuration values and the clock. The services bind themselves (JIT). */
public final class ServerModule extends AbstractModule {
  private final ServerConfig config;
  private final Clock clock;

  public ServerModule(ServerConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  protected void configure() {
    bind(ServerConfig.class).toInstance(config);
    bind(Clock.class).toInstance(clock);
    bind(new TypeLiteral<Optional<TestClock>>() {})
        .toInstance(clock instanceof TestClock t ? Optional.of(t) : Optional.empty());
    bind(new TypeLiteral<List<String>>() {})
        .annotatedWith(Names.named("bootstrapAdminKeys"))
        .toInstance(List.copyOf(config.adminKeys()));
    bind(Duration.class)
        .annotatedWith(Names.named("idempotencyRetention"))
        .toInstance(config.idempotencyRetention());
    // A request whose marker is older than this is taken to have died with its process.
    bind(Duration.class)
        .annotatedWith(Names.named("idempotencyInProgressLease"))
        .toInstance(inProgressLease());
    bind(Duration.class)
        .annotatedWith(Names.named("eventsPollInterval"))
        .toInstance(config.eventsPollInterval());
    bind(LifecycleSchedule.Settings.class)
        .toInstance(
            new LifecycleSchedule.Settings(
                config.autoRenewLead(), config.retention(), config.autoRenewRetryInterval()));
    bindConstant().annotatedWith(Names.named("lifecycleBatchSize")).to(config.lifecycleBatchSize());
  }

  /**
   * 2 minutes. The JVM property {@code renewal.idempotency.lease} (an ISO-8601 duration such as
   * {@code PT15S}) shortens it, so the fault-injection tests need not wait 2 minutes for the
   * markers that a killed replica or a database outage left behind.
   */
  static Duration inProgressLease() {
    String value = System.getProperty("renewal.idempotency.lease");
    return value == null || value.isBlank() ? Duration.ofMinutes(2) : Duration.parse(value.strip());
  }
}
