package com.cvmbilling.renewal.server;

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
    bind(Duration.class).annotatedWith(Names.named("idempotencyRetention")).toInstance(config.idempotencyRetention());
    // A request whose marker is older than this is taken to have died with its process.
    bind(Duration.class).annotatedWith(Names.named("idempotencyInProgressLease")).toInstance(Duration.ofMinutes(2));
    bind(Duration.class).annotatedWith(Names.named("eventsPollInterval")).toInstance(config.eventsPollInterval());
    bind(LifecycleSchedule.Settings.class).toInstance(
        new LifecycleSchedule.Settings(config.autoRenewLead(), config.retention(), config.autoRenewRetryInterval()));
    bindConstant().annotatedWith(Names.named("lifecycleBatchSize")).to(config.lifecycleBatchSize());
  }
}
