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
    // A request waits at most this long for a connection, then fails with UNAVAILABLE.
    config.setConnectionTimeout(5_000);
    config.setValidationTimeout(2_000);
    // Start even while the database is down; health reports NOT_SERVING until it is reachable.
    config.setInitializationFailTimeout(-1);
    if (!settings.isEmbedded()) {
      config.addDataSourceProperty("cachePrepStmts", "true");
      config.addDataSourceProperty("prepStmtCacheSize", "250");
      config.addDataSourceProperty("prepStmtCacheSqlLimit", "2048");
      config.addDataSourceProperty("useServerPrepStmts", "false");
      config.addDataSourceProperty("rewriteBatchedStatements", "true");
      config.addDataSourceProperty("connectTimeout", "5000");
    }
    return new HikariDataSource(config);
  }

  public static void migrate(javax.sql.DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
