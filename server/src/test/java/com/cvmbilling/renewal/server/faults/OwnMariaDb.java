package com.cvmbilling.renewal.server.faults;

import static org.junit.jupiter.api.Assertions.fail;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A MariaDB server owned by one test: its own data directory (under the system temp dir), its own
 * port on 127.0.0.1, started as a child process ({@code mariadbd --no-defaults}), so the test may
 * stop, kill and restart it without disturbing anything else. Root with an empty password over TCP.
 * {@link #close()} kills it and deletes the data directory.
 */
final class OwnMariaDb implements AutoCloseable {
  private static final List<String> SERVERS =
      List.of("/usr/sbin/mariadbd", "/usr/sbin/mysqld", "/usr/bin/mariadbd");
  private static final List<String> INSTALLERS =
      List.of(
          "/usr/bin/mariadb-install-db",
          "/usr/bin/mysql_install_db",
          "/usr/sbin/mariadb-install-db");

  private final Path dir;
  private final Path server;
  private final int port;
  private Process process;
  private int starts;

  private OwnMariaDb(Path dir, Path server, int port) {
    this.dir = dir;
    this.server = server;
    this.port = port;
  }

  /**
   * Installs a fresh data directory and starts the server; skips (or, on CI, fails) without the
   * binaries.
   */
  static OwnMariaDb start() {
    Path server = first(SERVERS);
    Path installer = first(INSTALLERS);
    if (server == null || installer == null) {
      String why = "no MariaDB server binaries (looked for " + SERVERS + " and " + INSTALLERS + ")";
      if (TestDatabases.isCi()) {
        fail(why + " (CI=true: the fault suite must run)");
      }
      Assumptions.abort(why);
    }
    try {
      Path dir = Files.createTempDirectory("renewal-faults-mariadb-");
      List<String> install =
          List.of(
              installer.toString(),
              "--no-defaults",
              "--datadir=" + dir.resolve("data"),
              "--auth-root-authentication-method=normal",
              "--skip-test-db",
              "--user=" + System.getProperty("user.name"));
      Process p =
          new ProcessBuilder(install)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("install.log").toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "mariadb-install-db failed:\n" + Files.readString(dir.resolve("install.log")));
      }
      OwnMariaDb db = new OwnMariaDb(dir, server, freePort());
      db.launch();
      return db;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path first(List<String> candidates) {
    return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts mariadbd on the data directory and waits until it answers a query (at most 60 s). */
  synchronized void launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                server.toString(),
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"),
                "--user=" + System.getProperty("user.name"),
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=64M",
                "--max-connections=300",
                "--log-error=" + dir.resolve("error.log")));
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dir.resolve("mariadbd.out").toFile()))
              .start();
      starts++;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "mariadbd exited with " + process.exitValue() + ":\n" + errorLog());
        }
        if (answers()) {
          return;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("mariadbd not ready within 60 s:\n" + errorLog());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** True if the server accepts a connection and answers {@code SELECT 1}. */
  boolean answers() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
    } catch (IOException e) {
      return false;
    }
    try (Connection c =
            DriverManager.getConnection(baseUrl() + "?connectTimeout=1000", "root", "");
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * A clean stop (SIGTERM: mariadbd shuts down and drops its connections); waits until it exited.
   */
  synchronized void stop() {
    end(false);
  }

  /** A crash (SIGKILL); waits until it is gone. InnoDB recovers on the next start. */
  synchronized void kill() {
    end(true);
  }

  private void end(boolean force) {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (force) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String baseUrl() {
    return "jdbc:mysql://127.0.0.1:" + port + "/";
  }

  int port() {
    return port;
  }

  int starts() {
    return starts;
  }

  /** Creates a database and returns its JDBC URL. */
  String createDatabase(String name) {
    try (Connection c = DriverManager.getConnection(baseUrl(), "root", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
      return baseUrl() + name;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  String errorLog() {
    try {
      Path log = dir.resolve("error.log");
      return Files.exists(log)
          ? tail(Files.readString(log, StandardCharsets.UTF_8))
          : "(no error log)";
    } catch (IOException e) {
      return "(error log unreadable: " + e + ")";
    }
  }

  private static String tail(String s) {
    return s.length() <= 3000 ? s : s.substring(s.length() - 3000);
  }

  @Override
  public synchronized void close() {
    end(true);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it lives under the temp directory
    }
  }
}
