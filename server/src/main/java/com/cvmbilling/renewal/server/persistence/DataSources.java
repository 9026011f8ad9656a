package com.cvmbilling.renewal.server.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/** Builds the connection pool and brings the schema up to date. */
public final class DataSources {
  private DataSources() {}

  /** The pool and what start-up learned about its server. */
  public record Opened(HikariDataSource pool, DatabaseServer server) {}

  /**
   * Start-up: waits up to {@code wait} for the database to accept connections (a service and its
   * database often start together), checks a Galera node's settings and state, opens the pool and
   * brings the schema up to date. Settings that retrying cannot fix fail at once.
   */
  public static Opened open(DatabaseSettings settings, java.time.Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    DatabaseServer server = awaitServer(settings, deadline);
    HikariDataSource pool = create(settings, server);
    try {
      migrateWhenReachable(pool, deadline, settings.redactedUrl(), server);
      return new Opened(pool, server);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  public static HikariDataSource create(DatabaseSettings settings) {
    return create(settings, DatabaseServer.SINGLE);
  }

  public static HikariDataSource create(DatabaseSettings settings, DatabaseServer server) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("renewal-db");
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.effectiveUser());
    config.setPassword(settings.effectivePassword());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
    config.setAutoCommit(false);
    // Every transaction runs at READ COMMITTED (Transactions): make it the connections' own level,
    // so neither MyBatis nor the pool has to set and reset it around each transaction.
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    // A request waits at most this long for a connection, then fails with UNAVAILABLE.
    config.setConnectionTimeout(5_000);
    config.setValidationTimeout(2_000);
    // The pool itself starts without the database; start-up then waits for it to migrate the
    // schema (see migrateWhenReachable). Later outages: health NOT_SERVING, calls UNAVAILABLE.
    config.setInitializationFailTimeout(-1);
    if (!settings.isEmbedded()) {
      config.addDataSourceProperty("cachePrepStmts", "true");
      config.addDataSourceProperty("prepStmtCacheSize", "250");
      // Long enough for a 100-instance renewal's statements, which the driver would otherwise
      // parse on every execution; the cache keeps at most prepStmtCacheSize statements per
      // connection. A lifecycle batch's step write (about 42 KB at the default 500 rows) is
      // longer: 64 KB did not measurably speed up the drain (docs/BENCHMARKS.md).
      config.addDataSourceProperty("prepStmtCacheSqlLimit", "32768");
      config.addDataSourceProperty("useServerPrepStmts", "false");
      config.addDataSourceProperty("rewriteBatchedStatements", "true");
      config.addDataSourceProperty("connectTimeout", "5000");
      // Skip the SET statements for session state the driver knows is already so (autocommit,
      // isolation): 8 of the 19 round trips of a renewal call were such no-op session resets.
      config.addDataSourceProperty("useLocalSessionState", "true");
    }
    if (server.galera()) {
      config.setConnectionInitSql(Galera.CAUSAL_READS_SQL);
    }
    return new HikariDataSource(config);
  }

  /**
   * Called by the health probe when the pool holds no connection at all. While the database is
   * down, HikariCP's connection adder retries with a back-off that doubles up to 5 s, so after an
   * outage of more than a few seconds the pool could stay empty for up to 5 s after the database is
   * back. If the database answers a direct connection now, this ends the adder's sleep (an
   * interrupt, which its sleep treats as "wake up") so the pool connects at once. Returns whether
   * the database answered.
   */
  public static boolean wakeUpIfDatabaseAnswers(HikariDataSource pool) {
    java.util.Properties props = new java.util.Properties();
    if (pool.getUsername() != null) {
      props.setProperty("user", pool.getUsername());
    }
    if (pool.getPassword() != null) {
      props.setProperty("password", pool.getPassword());
    }
    props.setProperty("connectTimeout", "2000");
    props.setProperty("socketTimeout", "3000");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(pool.getJdbcUrl(), props)) {
      if (!c.isValid(2)) {
        return false;
      }
    } catch (java.sql.SQLException e) {
      return false;
    }
    String adder = pool.getPoolName() + ":connection-adder";
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(adder))
        .forEach(
            t -> {
              org.slf4j.LoggerFactory.getLogger(DataSources.class)
                  .info("the database answers again: the connection pool reconnects now");
              t.interrupt();
            });
    return true;
  }

  /** A pool of a networked database (not embedded H2) that holds no connection at all. */
  public static boolean isEmptyNetworkPool(HikariDataSource pool) {
    com.zaxxer.hikari.HikariPoolMXBean stats = pool.getHikariPoolMXBean();
    return stats != null
        && stats.getTotalConnections() == 0
        && pool.getJdbcUrl() != null
        && !pool.getJdbcUrl().startsWith("jdbc:h2:");
  }

  /** The database could not be reached (or migrated) within the start-up wait. */
  public static final class StartupFailure extends RuntimeException {
    private final boolean configuration;

    StartupFailure(String message, Throwable cause) {
      this(message, cause, false);
    }

    /**
     * @param configuration waiting cannot fix it (bad credentials, unknown database, a
     *     misconfigured cluster node): the process exits with status 2
     */
    StartupFailure(String message, Throwable cause, boolean configuration) {
      super(message, cause);
      this.configuration = configuration;
    }

    /** 2 for a failure of the configuration, 1 for anything else (see Main's exit codes). */
    public int exitStatus() {
      return configuration ? 2 : 1;
    }
  }

  /**
   * Refusals that waiting for the database cannot change. MySQL/MariaDB: 1044 / 1045 access denied
   * (to the database / for the user), 1049 unknown database, 1251 / 1698 authentication method. H2:
   * 28000 wrong user or password, 90146 database not found. (H2's 90020, the file is in use by
   * another process, is waited for: that process may be exiting.)
   */
  static boolean retryCannotFix(java.sql.SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        switch (sql.getErrorCode()) {
          case 1044, 1045, 1049, 1251, 1698, 28000, 90146:
            return true;
          default:
            break;
        }
      }
    }
    return false;
  }

  /**
   * The real cause of a connection failure, for the start-up message: the innermost SQL error with
   * its SQLState and vendor code, and the network error under it (e.g. "Connection refused").
   * Drivers do not put passwords in these messages; the URL is shown redacted by the caller.
   */
  public static String cause(java.sql.SQLException e) {
    java.sql.SQLException innermost = e;
    String network = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
        innermost = sql;
      } else if (t instanceof java.io.IOException io && io.getMessage() != null) {
        network = io.getMessage();
      }
    }
    String message = firstLine(innermost.getMessage());
    StringBuilder out = new StringBuilder();
    out.append("SQLState ").append(innermost.getSQLState());
    if (innermost.getErrorCode() != 0) {
      out.append(", error ").append(innermost.getErrorCode());
    }
    out.append(": ").append(message);
    if (network != null && !message.contains(network)) {
      out.append(" (").append(firstLine(network)).append(')');
    }
    return out.toString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  /**
   * Connects directly (not through the pool) until the server answers and, on a Galera node, until
   * the node is ready; returns what kind of server it is. Galera settings the service cannot run
   * with fail at once, naming each.
   */
  private static DatabaseServer awaitServer(DatabaseSettings settings, long deadlineNanos) {
    java.util.Properties props = new java.util.Properties();
    if (settings.effectiveUser() != null) {
      props.setProperty("user", settings.effectiveUser());
    }
    if (settings.effectivePassword() != null) {
      props.setProperty("password", settings.effectivePassword());
    }
    if (!settings.isEmbedded()) {
      props.setProperty("connectTimeout", "5000");
    }
    String url = settings.redactedUrl();
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DataSources.class);
    while (true) {
      String waitingFor;
      try (java.sql.Connection c =
          java.sql.DriverManager.getConnection(settings.jdbcUrl(), props)) {
        if (!Galera.isClusterNode(c)) {
          return DatabaseServer.SINGLE;
        }
        java.util.List<String> problems = Galera.settingProblems(c);
        if (!problems.isEmpty()) {
          throw new StartupFailure(
              "the Galera node at " + url + " is misconfigured: " + String.join("; ", problems),
              null,
              true);
        }
        waitingFor = Galera.notReady(c);
        if (waitingFor == null) {
          log.info("the database at {} is a {}", url, Galera.describe(c));
          return DatabaseServer.GALERA;
        }
      } catch (java.sql.SQLException e) {
        waitingFor = cause(e);
        if (retryCannotFix(e)) {
          throw new StartupFailure("the database at " + url + " refused: " + waitingFor, e, true);
        }
        if (System.nanoTime() > deadlineNanos) {
          throw new StartupFailure("cannot reach the database at " + url + ": " + waitingFor, e);
        }
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new StartupFailure("the database at " + url + " is not ready: " + waitingFor, null);
      }
      log.warn("waiting for the database at {}: {}", url, waitingFor);
      sleepAtStartup(1000);
    }
  }

  private static void sleepAtStartup(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new StartupFailure("interrupted while waiting for the database", ie);
    }
  }

  /**
   * Migrates the schema, waiting until {@code deadline} for the pool to connect. A failure that is
   * not about reaching the database (a broken migration) is not retried.
   */
  private static void migrateWhenReachable(
      HikariDataSource dataSource, long deadline, String redactedUrl, DatabaseServer server) {
    awaitReachable(dataSource, deadline, redactedUrl);
    try {
      if (server.galera()) {
        Galera.migrateUnderLease(dataSource, deadline);
      } else {
        migrate(dataSource);
      }
    } catch (java.sql.SQLException | RuntimeException e) {
      throw new StartupFailure(
          "schema migration failed on " + redactedUrl + ": " + e.getMessage(), e);
    }
    org.slf4j.LoggerFactory.getLogger(DataSources.class)
        .info("database {}", SchemaStatus.of(dataSource).describe());
  }

  /** Waits until {@code deadline} for the pool to connect; what retrying cannot fix fails now. */
  private static void awaitReachable(
      HikariDataSource dataSource, long deadline, String redactedUrl) {
    while (true) {
      try (java.sql.Connection c = dataSource.getConnection()) {
        c.isValid(2);
        return;
      } catch (java.sql.SQLException e) {
        String why = cause(e);
        if (retryCannotFix(e)) {
          throw new StartupFailure("the database at " + redactedUrl + " refused: " + why, e, true);
        }
        if (System.nanoTime() > deadline) {
          throw new StartupFailure("cannot reach the database at " + redactedUrl + ": " + why, e);
        }
        org.slf4j.LoggerFactory.getLogger(DataSources.class)
            .warn("waiting for the database at {}: {}", redactedUrl, why);
        sleepAtStartup(1000);
      }
    }
  }

  /**
   * The schema's standing against this build, without changing anything (the {@code check-schema}
   * command); waits for the database like start-up does.
   */
  public static SchemaStatus checkSchema(DatabaseSettings settings, java.time.Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    DatabaseServer server = awaitServer(settings, deadline);
    try (HikariDataSource pool = create(settings, server)) {
      awaitReachable(pool, deadline, settings.redactedUrl());
      return SchemaStatus.of(pool);
    }
  }

  /**
   * The health probe's statement: a read of one of the service's tables. {@code isValid} is not
   * enough: a Galera node cut off from its cluster still answers a ping but refuses table reads.
   */
  public static boolean answers(java.sql.Connection c) throws java.sql.SQLException {
    try (java.sql.Statement s = c.createStatement()) {
      s.setQueryTimeout(2);
      try (java.sql.ResultSet rs = s.executeQuery("SELECT 1 FROM account LIMIT 1")) {
        rs.next();
      }
      return true;
    } finally {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
    }
  }

  public static void migrate(javax.sql.DataSource dataSource) {
    flyway(dataSource).load().migrate();
  }

  static org.flywaydb.core.api.configuration.FluentConfiguration flyway(
      javax.sql.DataSource dataSource) {
    return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
  }
}
