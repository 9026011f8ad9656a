package com.cvmbilling.renewal.server.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/** Builds the connection pool and brings the schema up to date. */
public final class DataSources {
  private DataSources() {}

  public static HikariDataSource create(DatabaseSettings settings) {
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
      config.addDataSourceProperty("prepStmtCacheSqlLimit", "2048");
      config.addDataSourceProperty("useServerPrepStmts", "false");
      config.addDataSourceProperty("rewriteBatchedStatements", "true");
      config.addDataSourceProperty("connectTimeout", "5000");
      // Skip the SET statements for session state the driver knows is already so (autocommit,
      // isolation): 8 of the 19 round trips of a renewal call were such no-op session resets.
      config.addDataSourceProperty("useLocalSessionState", "true");
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
    StartupFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Migrates the schema, waiting up to {@code wait} for the database to accept connections (a
   * service and its database often start together). A failure that is not about reaching the
   * database (a broken migration) is not retried.
   */
  public static void migrateWhenReachable(
      HikariDataSource dataSource, java.time.Duration wait, String redactedUrl) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try (java.sql.Connection c = dataSource.getConnection()) {
        c.isValid(2);
      } catch (java.sql.SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new StartupFailure(
              "cannot reach the database at " + redactedUrl + ": " + e.getMessage(), e);
        }
        org.slf4j.LoggerFactory.getLogger(DataSources.class)
            .warn("waiting for the database at {}: {}", redactedUrl, e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new StartupFailure("interrupted while waiting for the database", ie);
        }
        continue;
      }
      try {
        migrate(dataSource);
        return;
      } catch (RuntimeException e) {
        throw new StartupFailure(
            "schema migration failed on " + redactedUrl + ": " + e.getMessage(), e);
      }
    }
  }

  public static void migrate(javax.sql.DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }
}
