package com.cvmbilling.renewal.server.config;

import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything the server needs to start, already validated.
 *
 * @param testClock run on a {@code TestClock} (and serve TestClockService)
 * @param testClockStart the test clock's first instant; null = now
 * @param runLifecycle run the lifecycle job every {@code lifecycleInterval}
 * @param metricsPort Prometheus endpoint port; 0 = no endpoint (metrics are still kept)
 * @param transport listening address, TLS and connection limits
 * @param rateLimit per-account call rate limit
 * @param dbQueryTimeout longest one SQL statement may run; a call's deadline shortens it
 * @param metricsHost address the metrics endpoint binds
 */
public record ServerConfig(
    int port,
    DatabaseSettings database,
    List<String> adminKeys,
    boolean demo,
    boolean testClock,
    Instant testClockStart,
    boolean runLifecycle,
    Duration lifecycleInterval,
    int lifecycleBatchSize,
    Duration autoRenewLead,
    Duration autoRenewRetryInterval,
    Duration retention,
    Duration eventsPollInterval,
    Duration idempotencyRetention,
    int metricsPort,
    TransportSettings transport,
    RateLimitSettings rateLimit,
    Duration dbQueryTimeout,
    String metricsHost) {

  public static Builder builder(DatabaseSettings database) {
    return new Builder(database);
  }

  /** In-process tests: no periodic lifecycle job (tests drive it), real clock unless given. */
  public static ServerConfig forTests(DatabaseSettings database, List<String> adminKeys) {
    return builder(database).adminKeys(adminKeys).runLifecycle(false).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder(database);
    b.port = port;
    b.adminKeys = adminKeys;
    b.demo = demo;
    b.testClock = testClock;
    b.testClockStart = testClockStart;
    b.runLifecycle = runLifecycle;
    b.lifecycleInterval = lifecycleInterval;
    b.lifecycleBatchSize = lifecycleBatchSize;
    b.autoRenewLead = autoRenewLead;
    // Still "follow the lifecycle interval" unless it was set to something else.
    b.autoRenewRetryInterval =
        autoRenewRetryInterval.equals(lifecycleInterval) ? null : autoRenewRetryInterval;
    b.retention = retention;
    b.eventsPollInterval = eventsPollInterval;
    b.idempotencyRetention = idempotencyRetention;
    b.metricsPort = metricsPort;
    b.transport = transport;
    b.rateLimit = rateLimit;
    b.dbQueryTimeout = dbQueryTimeout;
    b.metricsHost = metricsHost;
    return b;
  }

  public static final class Builder {
    private final DatabaseSettings database;
    private int port = 50051;
    private List<String> adminKeys = List.of();
    private boolean demo;
    private boolean testClock;
    private Instant testClockStart;
    private boolean runLifecycle = true;
    private Duration lifecycleInterval = Duration.ofSeconds(60);
    private int lifecycleBatchSize = 200;
    private Duration autoRenewLead = Duration.ofHours(24);

    /** Null: every lifecycle run (the lifecycle interval). */
    private Duration autoRenewRetryInterval;

    private Duration retention = Duration.ofDays(7);
    private Duration eventsPollInterval = Duration.ofMillis(250);
    private Duration idempotencyRetention = Duration.ofHours(24);
    private int metricsPort;
    private TransportSettings transport = TransportSettings.defaults();
    // Off unless configured: the command line turns it on with its own default.
    private RateLimitSettings rateLimit = RateLimitSettings.OFF;
    private Duration dbQueryTimeout = Duration.ofSeconds(30);
    private String metricsHost = "0.0.0.0";

    private Builder(DatabaseSettings database) {
      this.database = database;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder adminKeys(List<String> v) {
      adminKeys = List.copyOf(v);
      return this;
    }

    public Builder demo(boolean v) {
      demo = v;
      return this;
    }

    public Builder testClock(boolean v, Instant start) {
      testClock = v;
      testClockStart = start;
      return this;
    }

    public Builder runLifecycle(boolean v) {
      runLifecycle = v;
      return this;
    }

    public Builder lifecycleInterval(Duration v) {
      lifecycleInterval = v;
      return this;
    }

    public Builder lifecycleBatchSize(int v) {
      lifecycleBatchSize = v;
      return this;
    }

    public Builder autoRenewLead(Duration v) {
      autoRenewLead = v;
      return this;
    }

    public Builder autoRenewRetryInterval(Duration v) {
      autoRenewRetryInterval = v;
      return this;
    }

    public Builder retention(Duration v) {
      retention = v;
      return this;
    }

    public Builder eventsPollInterval(Duration v) {
      eventsPollInterval = v;
      return this;
    }

    public Builder idempotencyRetention(Duration v) {
      idempotencyRetention = v;
      return this;
    }

    public Builder metricsPort(int v) {
      metricsPort = v;
      return this;
    }

    public Builder transport(TransportSettings v) {
      transport = v;
      return this;
    }

    public Builder rateLimit(RateLimitSettings v) {
      rateLimit = v;
      return this;
    }

    public Builder dbQueryTimeout(Duration v) {
      dbQueryTimeout = v;
      return this;
    }

    public Builder metricsHost(String v) {
      metricsHost = v;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          port,
          database,
          adminKeys,
          demo,
          testClock,
          testClockStart,
          runLifecycle,
          lifecycleInterval,
          lifecycleBatchSize,
          autoRenewLead,
          autoRenewRetryInterval != null ? autoRenewRetryInterval : lifecycleInterval,
          retention,
          eventsPollInterval,
          idempotencyRetention,
          metricsPort,
          transport,
          rateLimit,
          dbQueryTimeout,
          metricsHost);
    }
  }
}
