package com.cvmbilling.renewal.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Databases for tests. H2: a private in-memory database in MySQL mode. MariaDB: a fresh database in
 * the server at {@code RENEWAL_TEST_MARIADB_URL} (default 127.0.0.1:3306, user root, empty
 * password), dropped by {@link TestDatabase#close()}. If MariaDB is unreachable the test is skipped
 * locally, but fails when {@code CI=true}: CI must never silently skip these suites.
 */
public final class TestDatabases {
  public static final String DEFAULT_MARIADB_URL = "jdbc:mysql://127.0.0.1:3306/";

  private TestDatabases() {}

  /** A handle on a test database; closing drops it (MariaDB) or forgets it (H2). */
  public interface TestDatabase extends AutoCloseable {
    DatabaseSettings settings();

    String kind();

    @Override
    void close();
  }

  public enum Kind {
    H2,
    MARIADB
  }

  public static TestDatabase create(Kind kind) {
    return kind == Kind.H2 ? h2() : mariaDb();
  }

  public static TestDatabase h2() {
    String name = "test_" + UUID.randomUUID().toString().replace("-", "");
    String url =
        "jdbc:h2:mem:"
            + name
            + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    DatabaseSettings settings = new DatabaseSettings(url, "sa", "", Path.of("target"), 16);
    return new TestDatabase() {
      @Override
      public DatabaseSettings settings() {
        return settings;
      }

      @Override
      public String kind() {
        return "H2";
      }

      @Override
      public void close() {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
            Statement s = c.createStatement()) {
          s.execute("SHUTDOWN");
        } catch (SQLException ignored) {
          // already gone
        }
      }
    };
  }

  public static String mariaDbBaseUrl() {
    String url = System.getProperty("renewal.test.mariadb.url");
    if (url == null || url.isBlank() || url.startsWith("${")) {
      url = System.getenv("RENEWAL_TEST_MARIADB_URL");
    }
    if (url == null || url.isBlank()) {
      url = DEFAULT_MARIADB_URL;
    }
    return url.endsWith("/") ? url : url + "/";
  }

  public static String mariaDbUser() {
    String user = System.getenv("RENEWAL_TEST_MARIADB_USER");
    return user == null ? "root" : user;
  }

  public static String mariaDbPassword() {
    String password = System.getenv("RENEWAL_TEST_MARIADB_PASSWORD");
    return password == null ? "" : password;
  }

  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  public static TestDatabase mariaDb() {
    return mariaDb("");
  }

  /**
   * A fresh MariaDB database named {@code renewal_test_<prefix>_<random>} (a prefix tells which
   * suite left a database behind; .ci/run drops every {@code renewal_test_*}).
   */
  public static TestDatabase mariaDb(String prefix) {
    String base = mariaDbBaseUrl();
    String name =
        "renewal_test_"
            + (prefix.isEmpty() ? "" : prefix + "_")
            + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(base, mariaDbUser(), mariaDbPassword());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    } catch (SQLException e) {
      String why = "MariaDB at " + base + " is unreachable: " + e.getMessage();
      if (isCi()) {
        fail(why + " (CI=true: the MariaDB suites must run)");
      }
      Assumptions.abort(why);
    }
    DatabaseSettings settings =
        new DatabaseSettings(base + name, mariaDbUser(), mariaDbPassword(), Path.of("target"), 40);
    return new TestDatabase() {
      @Override
      public DatabaseSettings settings() {
        return settings;
      }

      @Override
      public String kind() {
        return "MARIADB";
      }

      @Override
      public void close() {
        try (Connection c = DriverManager.getConnection(base, mariaDbUser(), mariaDbPassword());
            Statement s = c.createStatement()) {
          s.execute("DROP DATABASE IF EXISTS " + name);
        } catch (SQLException e) {
          throw new IllegalStateException("could not drop test database " + name, e);
        }
      }
    };
  }
}
