package com.cvmbilling.renewal.server;

import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line entry point. Every flag can also be given as the environment variable shown. */
@Command(
    name = "renewal-server",
    mixinStandardHelpOptions = true,
    version = "renewal-server 0.1.0",
    sortOptions = false,
    description = "Billing back end for prepaid VM instances: renewals, auto-renew, unified expiry.")
public final class Main implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  @Option(names = "--port", defaultValue = "${env:RENEWAL_PORT:-50051}",
      description = "gRPC port (env RENEWAL_PORT). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--db-url", defaultValue = "${env:RENEWAL_DB_URL}",
      description = "JDBC URL, e.g. jdbc:mysql://127.0.0.1:3306/renewal (env RENEWAL_DB_URL). "
          + "Unset: embedded H2 under --data-dir.")
  String dbUrl;

  @Option(names = "--db-user", defaultValue = "${env:RENEWAL_DB_USER}", description = "(env RENEWAL_DB_USER)")
  String dbUser;

  @Option(names = "--db-password", defaultValue = "${env:RENEWAL_DB_PASSWORD}",
      description = "(env RENEWAL_DB_PASSWORD)")
  String dbPassword;

  @Option(names = "--db-pool-size", defaultValue = "${env:RENEWAL_DB_POOL_SIZE:-16}",
      description = "Maximum database connections (env RENEWAL_DB_POOL_SIZE). Default: ${DEFAULT-VALUE}.")
  int dbPoolSize;

  @Option(names = "--data-dir", defaultValue = "${env:RENEWAL_DATA_DIR:-./data}",
      description = "Directory of the embedded database (env RENEWAL_DATA_DIR). Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--admin-key", defaultValue = "${env:RENEWAL_ADMIN_KEY}",
      description = "An admin API key accepted from start-up, to create the first accounts (env RENEWAL_ADMIN_KEY).")
  String adminKey;

  @Option(names = "--demo", description = "Seed a demo tenant with fixed, public keys (see README). Not for production.")
  boolean demo;

  @Option(names = "--test-clock", arity = "0..1", fallbackValue = "now", paramLabel = "INSTANT",
      description = "Run on a test clock that only TestClockService.AdvanceTime moves, starting at INSTANT "
          + "(ISO-8601, default: now). Never in production.")
  String testClock;

  @Option(names = "--lifecycle-interval", defaultValue = "${env:RENEWAL_LIFECYCLE_INTERVAL:-60s}",
      converter = DurationConverter.class, description = "Default: ${DEFAULT-VALUE}.")
  Duration lifecycleInterval;

  @Option(names = "--auto-renew-lead", defaultValue = "${env:RENEWAL_AUTO_RENEW_LEAD:-24h}",
      converter = DurationConverter.class, description = "Default: ${DEFAULT-VALUE}.")
  Duration autoRenewLead;

  @Option(names = "--retention", defaultValue = "${env:RENEWAL_RETENTION:-7d}",
      converter = DurationConverter.class, description = "Isolated instances are released after this. Default: ${DEFAULT-VALUE}.")
  Duration retention;

  @Option(names = "--auto-renew-retry-interval", defaultValue = "${env:RENEWAL_AUTO_RENEW_RETRY_INTERVAL}",
      converter = DurationConverter.class,
      description = "How soon a failed auto-renew attempt is retried before expiry. Default: every lifecycle run "
          + "(--lifecycle-interval).")
  Duration autoRenewRetryInterval;

  @Option(names = "--lifecycle-batch-size", defaultValue = "${env:RENEWAL_LIFECYCLE_BATCH_SIZE:-200}",
      description = "Due instances claimed and processed per transaction. Default: ${DEFAULT-VALUE}.")
  int lifecycleBatchSize;

  @Option(names = "--no-lifecycle",
      description = "Do not run the lifecycle job in this process (another replica runs it).")
  boolean noLifecycle;

  @Option(names = "--events-poll-interval", defaultValue = "${env:RENEWAL_EVENTS_POLL_INTERVAL:-250ms}",
      converter = DurationConverter.class,
      description = "How often WatchEvents streams look for new events. Default: ${DEFAULT-VALUE}.")
  Duration eventsPollInterval;

  @Option(names = "--metrics-port", defaultValue = "${env:RENEWAL_METRICS_PORT:-0}",
      description = "Prometheus metrics port; 0 = off. Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  public static void main(String[] args) {
    int exit = new CommandLine(new Main()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  ServerConfig toConfig() {
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--port must be 0..65535, got " + port);
    }
    if (dbPoolSize < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--db-pool-size must be at least 1");
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--metrics-port must be 0..65535 (0 = off), got " + metricsPort);
    }
    requireDuration("--lifecycle-interval", lifecycleInterval, false);
    requireDuration("--auto-renew-lead", autoRenewLead, true);
    requireDuration("--retention", retention, true);
    List<String> adminKeys = new ArrayList<>();
    if (adminKey != null && !adminKey.isBlank()) {
      adminKeys.add(adminKey.strip());
    }
    if (demo) {
      adminKeys.add(DemoData.ADMIN_KEY);
    }
    Instant clockStart = null;
    if (testClock != null && !"now".equals(testClock)) {
      try {
        clockStart = Instant.parse(testClock);
      } catch (RuntimeException e) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--test-clock takes an ISO-8601 instant such as 2027-01-31T00:00:00Z, got " + testClock);
      }
    }
    requireDuration("--events-poll-interval", eventsPollInterval, false);
    if (autoRenewRetryInterval == null) {
      autoRenewRetryInterval = lifecycleInterval;
    }
    requireDuration("--auto-renew-retry-interval", autoRenewRetryInterval, false);
    if (autoRenewLead.compareTo(Duration.ofDays(27)) > 0) {
      // A lead longer than the shortest month could renew a monthly instance twice in one sweep.
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--auto-renew-lead must be at most 27d, got " + autoRenewLead);
    }
    if (lifecycleBatchSize < 1 || lifecycleBatchSize > 10_000) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--lifecycle-batch-size must be 1..10000");
    }
    DatabaseSettings db = new DatabaseSettings(dbUrl, dbUser, dbPassword, dataDir, dbPoolSize);
    return ServerConfig.builder(db)
        .port(port)
        .adminKeys(adminKeys)
        .demo(demo)
        .testClock(testClock != null, clockStart)
        .runLifecycle(!noLifecycle)
        .lifecycleInterval(lifecycleInterval)
        .lifecycleBatchSize(lifecycleBatchSize)
        .autoRenewLead(autoRenewLead)
        .autoRenewRetryInterval(autoRenewRetryInterval)
        .retention(retention)
        .eventsPollInterval(eventsPollInterval)
        .metricsPort(metricsPort)
        .build();
  }

  /** Rejects a negative duration, and a zero one unless {@code zeroAllowed}. */
  private void requireDuration(String flag, Duration value, boolean zeroAllowed) {
    if (value.isNegative() || (!zeroAllowed && value.isZero())) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          flag + " must be " + (zeroAllowed ? "zero or positive" : "positive") + ", got " + value);
    }
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config = toConfig();
    if (config.testClock()) {
      log.warn("TEST CLOCK: time stands still until TestClockService.AdvanceTime moves it. Never use in production.");
    }
    RenewalServer server;
    try {
      server = RenewalServer.create(config);
    } catch (com.cvmbilling.renewal.server.persistence.DataSources.StartupFailure e) {
      System.err.println("renewal-server: " + e.getMessage());
      return 1;
    }
    if (config.demo()) {
      DemoData.seed(server.injector());
      log.info("demo mode: tenant key '{}' (account {}), admin key '{}'",
          DemoData.TENANT_KEY, DemoData.ACCOUNT_ID, DemoData.ADMIN_KEY);
    }
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down");
      server.close();
    }, "shutdown"));
    System.out.println("renewal-server ready on port " + server.port());
    server.awaitTermination();
    return 0;
  }
}
