package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.config.DatabaseOptions;
import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.server.testing.Tier;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every subclass runs all its tests once on H2 and once on MariaDB, each test on a fresh, migrated
 * database with the production stack: Hikari pool, Flyway, mybatis-guice.
 */
@ParameterizedClass(name = "[{0}]")
@EnumSource(Kind.class)
@Tier.H2
@Tier.MariaDb
abstract class RepositoryTestBase {
  @Parameter Kind kind;

  private TestDatabases.TestDatabase db;
  HikariDataSource dataSource;
  Injector injector;
  Transactions tx;

  @BeforeEach
  void openDatabase() {
    db = TestDatabases.create(kind);
    dataSource = DataSources.create(db.settings());
    DataSources.migrate(dataSource);
    injector =
        Guice.createInjector(
            new PersistenceModule(dataSource, DatabaseOptions.defaultTransactions()));
    tx = injector.getInstance(Transactions.class);
  }

  @AfterEach
  void closeDatabase() {
    try {
      if (dataSource != null) {
        dataSource.close();
      }
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  <T> T mapper(Class<T> type) {
    return injector.getInstance(type);
  }

  <T> T inTx(Supplier<T> work) {
    return tx.inTransaction(work);
  }

  void inTx(Runnable work) {
    tx.inTransaction(work);
  }

  /** A single long from plain JDBC, bypassing MyBatis and the type handler. */
  Long rawLong(String sql, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long value = rs.getLong(1);
        return rs.wasNull() ? null : value;
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one statement with plain JDBC in its own committed transaction; returns rows changed. */
  int rawUpdate(String sql, Object... args) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      try {
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 1, args[i]);
        }
        int n = ps.executeUpdate();
        c.commit();
        return n;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  static Account account(String id, long balanceFen) {
    return new Account(
        id,
        "Account " + id,
        balanceFen,
        "Asia/Shanghai",
        Instant.parse("2026-01-01T00:00:00.001Z"));
  }

  /** Inserts an account in its own transaction. */
  Account insertAccount(String id, long balanceFen) {
    Account a = account(id, balanceFen);
    inTx(() -> mapper(AccountMapper.class).insert(a));
    return a;
  }
}
