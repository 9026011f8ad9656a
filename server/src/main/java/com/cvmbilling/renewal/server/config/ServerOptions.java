package com.cvmbilling.renewal.server.config;

import picocli.CommandLine.Mixin;

/**
 * Every setting of the server, as one picocli mixin per area. Each area's class declares its flags
 * (name, default, description) and validates them into its settings record; this class only puts
 * the areas together and checks the few rules that span two areas.
 */
public final class ServerOptions {
  @Mixin TransportSettings.Options transport = new TransportSettings.Options();
  @Mixin HttpSettings.Options http = new HttpSettings.Options();
  @Mixin RateLimitSettings.Options rateLimit = new RateLimitSettings.Options();
  @Mixin DatabaseOptions database = new DatabaseOptions();
  @Mixin AccessSettings.Options access = new AccessSettings.Options();
  @Mixin MetricsSettings.Options metrics = new MetricsSettings.Options();
  @Mixin LogSettings.Options log = new LogSettings.Options();
  @Mixin ClockSettings.Options clock = new ClockSettings.Options();
  @Mixin LifecycleSettings.Options lifecycle = new LifecycleSettings.Options();
  @Mixin EventStreamSettings.Options events = new EventStreamSettings.Options();
  @Mixin IdempotencySettings.Options idempotency = new IdempotencySettings.Options();
  @Mixin PriceSettings.Options prices = new PriceSettings.Options();

  private static final ServerOptions DEFAULTS = OptionDefaults.parsed(new ServerOptions());

  /** Every setting at its flag's default (which must be valid). */
  static ServerConfig defaults() {
    Problems p = Problems.ofDefaults();
    ServerConfig config = DEFAULTS.toConfig(p);
    if (!p.isEmpty()) {
      throw new IllegalStateException("invalid defaults: " + p.lines());
    }
    return config;
  }

  /** The settings, or (with the problems in {@code p}) a partial result to be discarded. */
  public ServerConfig toConfig(Problems p) {
    TransportSettings t = transport.settings(p, access.demo);
    MetricsSettings m = metrics.settings(p);
    if (m.port() != 0 && m.port() == t.port()) {
      p.add("--metrics-port", "must differ from --port (" + t.port() + ")");
    }
    HttpSettings h = http.settings(p);
    if (h.enabled() && h.port() != 0) {
      if (h.port() == t.port()) {
        p.add("--http-port", "must differ from --port (" + t.port() + ")");
      } else if (h.port() == m.port()) {
        p.add("--http-port", "must differ from --metrics-port (" + m.port() + ")");
      }
    }
    return new ServerConfig(
        t,
        h,
        rateLimit.settings(p),
        database.database(p),
        database.transactions(p),
        database.probe(p),
        access.settings(p),
        m,
        log.settings(p),
        clock.settings(p),
        lifecycle.settings(p),
        events.settings(p),
        idempotency.settings(p),
        prices.settings(p));
  }
}
