package com.cvmbilling.renewal.server.config;

import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.server.persistence.TransactionSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The database flags: name, default, description and validation. Their settings are the persistence
 * layer's own records ({@link DatabaseSettings}, {@link TransactionSettings}), which cannot depend
 * on this package, and {@link DatabaseProbeSettings}.
 */
public final class DatabaseOptions {
  @Option(
      names = "--db-url",
      paramLabel = "JDBC_URL",
      description =
          "JDBC URL of MySQL/MariaDB, e.g. jdbc:mysql://127.0.0.1:3306/renewal. Unset: embedded H2 under --data-dir.")
  String dbUrl;

  @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
  String dbUser;

  @Option(
      names = "--db-password",
      paramLabel = "PASSWORD",
      description = "Database password (prefer RENEWAL_DB_PASSWORD or the file).")
  @Secret
  String dbPassword;

  @Option(
      names = "--db-pool-size",
      defaultValue = "16",
      paramLabel = "N",
      description = "Maximum database connections. Default: ${DEFAULT-VALUE}.")
  int dbPoolSize;

  @Option(
      names = "--db-query-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Longest one SQL statement may run; a call's deadline shortens it. Default: ${DEFAULT-VALUE}.")
  Duration dbQueryTimeout;

  @Option(
      names = "--db-transaction-attempts",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "Times a transaction that hit a deadlock (or, on Galera, lost at certification) is run "
              + "at least before the call gets ABORTED/CONCURRENT_MODIFICATION; a call with a "
              + "deadline keeps trying while it has time left. Default: ${DEFAULT-VALUE}.")
  int dbTransactionAttempts;

  @Option(
      names = "--db-start-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How long start-up waits for the database to accept connections. Default: ${DEFAULT-VALUE}.")
  Duration dbStartTimeout;

  @Option(
      names = "--db-probe-interval",
      defaultValue = "2s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How often health checks the database (SERVING / NOT_SERVING). Default: ${DEFAULT-VALUE}.")
  Duration dbProbeInterval;

  @Option(
      names = "--data-dir",
      defaultValue = "./data",
      paramLabel = "DIR",
      description = "Directory of the embedded database. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  private static final DatabaseOptions DEFAULTS = OptionDefaults.parsed(new DatabaseOptions());

  /** The transaction settings at their flags' defaults. */
  public static TransactionSettings defaultTransactions() {
    return DEFAULTS.transactions(Problems.ofDefaults());
  }

  /** The probe settings at their flags' defaults. */
  public static DatabaseProbeSettings defaultProbe() {
    return DEFAULTS.probe(Problems.ofDefaults());
  }

  DatabaseSettings database(Problems p) {
    if (dbUrl != null
        && !dbUrl.isBlank()
        && !dbUrl.startsWith("jdbc:mysql:")
        && !dbUrl.startsWith("jdbc:h2:")) {
      p.add(
          "--db-url",
          "must be a MySQL/MariaDB JDBC URL such as jdbc:mysql://127.0.0.1:3306/renewal "
              + "(or jdbc:h2:...), got '"
              + Problems.shorten(dbUrl)
              + "'");
    }
    p.range("--db-pool-size", dbPoolSize, 1, 1000);
    return new DatabaseSettings(dbUrl, dbUser, dbPassword, dataDir, dbPoolSize);
  }

  TransactionSettings transactions(Problems p) {
    p.positive("--db-query-timeout", dbQueryTimeout);
    p.range("--db-transaction-attempts", dbTransactionAttempts, 1, 100);
    return new TransactionSettings(dbQueryTimeout, dbTransactionAttempts);
  }

  DatabaseProbeSettings probe(Problems p) {
    p.atLeast("--db-start-timeout", dbStartTimeout, Duration.ZERO);
    p.positive("--db-probe-interval", dbProbeInterval);
    return new DatabaseProbeSettings(dbStartTimeout, dbProbeInterval);
  }
}
