package com.cvmbilling.renewal.server;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

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
    bind(new TypeLiteral<List<String>>() {})
        .annotatedWith(Names.named("bootstrapAdminKeys"))
        .toInstance(List.copyOf(config.adminKeys()));
    bind(Duration.class).annotatedWith(Names.named("idempotencyRetention")).toInstance(config.idempotencyRetention());
    // A request whose marker is older than this is taken to have died with its process.
    bind(Duration.class).annotatedWith(Names.named("idempotencyInProgressLease")).toInstance(Duration.ofMinutes(2));
  }
}
