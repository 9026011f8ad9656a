package com.cvmbilling.renewal.server.app;

import com.cvmbilling.renewal.server.config.AccessSettings;
import com.cvmbilling.renewal.server.config.DatabaseProbeSettings;
import com.cvmbilling.renewal.server.config.EventStreamSettings;
import com.cvmbilling.renewal.server.config.HttpSettings;
import com.cvmbilling.renewal.server.config.IdempotencySettings;
import com.cvmbilling.renewal.server.config.LifecycleSettings;
import com.cvmbilling.renewal.server.config.MetricsSettings;
import com.cvmbilling.renewal.server.config.PriceSettings;
import com.cvmbilling.renewal.server.config.RateLimitSettings;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.config.TransportSettings;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule;
import com.cvmbilling.renewal.server.metrics.Metrics;
import com.google.inject.AbstractModule;
import java.time.Clock;

/**
 * Binds each area's settings as its own typed object (a class injects the record of its area), the
 * clock and the metrics registry. The services bind themselves (JIT).
 */
public final class ServerModule extends AbstractModule {
  private final ServerConfig config;
  private final Clock clock;
  private final Metrics metrics;

  public ServerModule(ServerConfig config, Clock clock, Metrics metrics) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  protected void configure() {
    bind(ServerConfig.class).toInstance(config);
    bind(Clock.class).toInstance(clock);
    bind(Metrics.class).toInstance(metrics);
    bind(TransportSettings.class).toInstance(config.transport());
    bind(HttpSettings.class).toInstance(config.http());
    bind(RateLimitSettings.class).toInstance(config.rateLimit());
    bind(DatabaseProbeSettings.class).toInstance(config.databaseProbe());
    AccessSettings access = config.access();
    // The demo's admin key is fixed and public (README), like its tenant key.
    bind(AccessSettings.class)
        .toInstance(access.demo() ? access.withAdminKey(DemoData.ADMIN_KEY) : access);
    bind(MetricsSettings.class).toInstance(config.metrics());
    bind(LifecycleSettings.class).toInstance(config.lifecycle());
    bind(LifecycleSchedule.Settings.class).toInstance(config.lifecycle().schedule());
    bind(EventStreamSettings.class).toInstance(config.events());
    bind(IdempotencySettings.class).toInstance(config.idempotency());
    bind(PriceSettings.class).toInstance(config.prices());
  }
}
