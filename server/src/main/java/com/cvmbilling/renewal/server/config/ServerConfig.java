package com.cvmbilling.renewal.server.config;

import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.server.persistence.TransactionSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything the server needs to start, already validated: one record per area, each declared with
 * its flags in its own class (see {@link ServerOptions}). Guice binds each area record on its own,
 * so a class injects the settings of its area only.
 */
public record ServerConfig(
    TransportSettings transport,
    HttpSettings http,
    RateLimitSettings rateLimit,
    DatabaseSettings database,
    TransactionSettings transactions,
    DatabaseProbeSettings databaseProbe,
    AccessSettings access,
    MetricsSettings metrics,
    LogSettings log,
    ClockSettings clock,
    LifecycleSettings lifecycle,
    EventStreamSettings events,
    IdempotencySettings idempotency,
    PriceSettings prices) {

  /**
   * Every setting at its flag's default, but on {@code database} and with no rate limit (the
   * command line turns it on with its own default; in-process tests call faster than it allows).
   */
  public static Builder builder(DatabaseSettings database) {
    ServerConfig d = ServerOptions.defaults();
    return new Builder(
        new ServerConfig(
            d.transport,
            d.http,
            RateLimitSettings.OFF,
            database,
            d.transactions,
            d.databaseProbe,
            d.access,
            d.metrics,
            d.log,
            d.clock,
            d.lifecycle,
            d.events,
            d.idempotency,
            d.prices));
  }

  /** In-process tests: no periodic lifecycle job (tests drive it), real clock unless given. */
  public static ServerConfig forTests(DatabaseSettings database, List<String> adminKeys) {
    return builder(database).adminKeys(adminKeys).runLifecycle(false).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** For tests and tools that start a server in-process: one setter per area, a few shortcuts. */
  public static final class Builder {
    private TransportSettings transport;
    private HttpSettings http;
    private RateLimitSettings rateLimit;
    private final DatabaseSettings database;
    private TransactionSettings transactions;
    private final DatabaseProbeSettings databaseProbe;
    private AccessSettings access;
    private MetricsSettings metrics;
    private final LogSettings log;
    private ClockSettings clock;
    private LifecycleSettings lifecycle;
    private EventStreamSettings events;
    private IdempotencySettings idempotency;
    private PriceSettings prices;

    private Builder(ServerConfig c) {
      transport = c.transport;
      http = c.http;
      rateLimit = c.rateLimit;
      database = c.database;
      transactions = c.transactions;
      databaseProbe = c.databaseProbe;
      access = c.access;
      metrics = c.metrics;
      log = c.log;
      clock = c.clock;
      lifecycle = c.lifecycle;
      events = c.events;
      idempotency = c.idempotency;
      prices = c.prices;
    }

    public Builder transport(TransportSettings v) {
      transport = v;
      return this;
    }

    public Builder port(int v) {
      transport = transport.withPort(v);
      return this;
    }

    public Builder http(HttpSettings v) {
      http = v;
      return this;
    }

    /** The HTTP/JSON port; 0 = any free port. */
    public Builder httpPort(int v) {
      http = http.withPort(v);
      return this;
    }

    public Builder rateLimit(RateLimitSettings v) {
      rateLimit = v;
      return this;
    }

    public Builder transactions(TransactionSettings v) {
      transactions = v;
      return this;
    }

    public Builder dbQueryTimeout(Duration v) {
      transactions = new TransactionSettings(v, transactions.maxAttempts());
      return this;
    }

    public Builder access(AccessSettings v) {
      access = v;
      return this;
    }

    public Builder adminKeys(List<String> v) {
      access = new AccessSettings(v, access.demo(), access.apiKeyCacheTime());
      return this;
    }

    public Builder metrics(MetricsSettings v) {
      metrics = v;
      return this;
    }

    public Builder metricsPort(int v) {
      metrics = new MetricsSettings(v, metrics.host());
      return this;
    }

    public Builder metricsHost(String v) {
      metrics = new MetricsSettings(metrics.port(), v);
      return this;
    }

    public Builder testClock(boolean v, Instant start) {
      clock = new ClockSettings(v, start);
      return this;
    }

    public Builder lifecycle(LifecycleSettings v) {
      lifecycle = v;
      return this;
    }

    public Builder runLifecycle(boolean v) {
      lifecycle = lifecycle.withRun(v);
      return this;
    }

    public Builder lifecycleInterval(Duration v) {
      lifecycle = lifecycle.withInterval(v);
      return this;
    }

    public Builder lifecycleBatchSize(int v) {
      lifecycle = lifecycle.withBatchSize(v);
      return this;
    }

    public Builder retention(Duration v) {
      var s = lifecycle.schedule();
      lifecycle =
          lifecycle.withSchedule(
              new com.cvmbilling.renewal.server.domain.LifecycleSchedule.Settings(
                  s.autoRenewLead(), v, s.retryInterval()));
      return this;
    }

    public Builder events(EventStreamSettings v) {
      events = v;
      return this;
    }

    public Builder eventsPollInterval(Duration v) {
      events = new EventStreamSettings(v);
      return this;
    }

    public Builder idempotency(IdempotencySettings v) {
      idempotency = v;
      return this;
    }

    public Builder prices(PriceSettings v) {
      prices = v;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          transport,
          http,
          rateLimit,
          database,
          transactions,
          databaseProbe,
          access,
          metrics,
          log,
          clock,
          lifecycle,
          events,
          idempotency,
          prices);
    }
  }
}
