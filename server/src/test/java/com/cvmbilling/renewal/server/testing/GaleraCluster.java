package com.cvmbilling.renewal.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 3-node MariaDB Galera cluster on loopback for the cluster suites, run by the project's own
 * {@code deploy/galera/cluster.sh} (the script operators use) on a data directory and ports of its
 * own; {@link #close} destroys it. One cluster serves a whole test run ({@link #shared}): starting
 * one costs 15-30 s.
 *
 * <p>Outside CI a machine that cannot start one (no galera-4 and no apt) skips the Galera tests;
 * under {@code CI=true} it fails them: CI must never silently skip a suite.
 */
public final class GaleraCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GaleraCluster.class);

  /** SQL ports 3371-3373 (gmcast 4631-, IST 4641-, SST 4651-): clear of the script's defaults. */
  public static final int BASE_PORT = 3371;

  public static final int NODES = 3;
  private static final Path DIR = Path.of("/tmp/renewal-test-galera");

  private static GaleraCluster shared;
  private static String unavailable;

  private final Path script;

  private GaleraCluster(Path script) {
    this.script = script;
  }

  /** The run's cluster, started on first use and destroyed when the test JVM exits. */
  public static synchronized GaleraCluster shared() {
    if (shared == null && unavailable == null) {
      GaleraCluster cluster = new GaleraCluster(script());
      try {
        cluster.run(Duration.ofMinutes(2), "destroy"); // leftovers of an interrupted run
        long t0 = System.nanoTime();
        String out = cluster.run(Duration.ofMinutes(5), "start", "--timeout", "240");
        log.info(
            "Galera cluster started in {} s: {}",
            (System.nanoTime() - t0) / 1_000_000_000,
            out.lines().reduce((a, b) -> b).orElse(""));
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "galera-destroy"));
        shared = cluster;
      } catch (RuntimeException e) {
        unavailable = e.getMessage();
        cluster.close();
      }
    }
    if (shared == null) {
      String why = "cannot start a Galera cluster: " + unavailable;
      if (TestDatabases.isCi()) {
        fail(why + " (CI=true: the Galera suites must run)");
      }
      Assumptions.abort(why);
    }
    return shared;
  }

  private static Path script() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("deploy/galera/cluster.sh");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("deploy/galera/cluster.sh not found above the working dir");
  }

  public static int sqlPort(int node) {
    return BASE_PORT + node - 1;
  }

  /** A Connector/J URL of one node. */
  public String nodeUrl(int node, String database) {
    return "jdbc:mysql://127.0.0.1:" + sqlPort(node) + "/" + database;
  }

  /** The failover form: every node, first one first. */
  public String allNodesUrl(String database) {
    List<String> hosts = new ArrayList<>();
    for (int n = 1; n <= NODES; n++) {
      hosts.add("127.0.0.1:" + sqlPort(n));
    }
    return "jdbc:mysql://" + String.join(",", hosts) + "/" + database + "?failOverReadOnly=false";
  }

  /** A new, empty database (created on node 1, replicated to all). */
  public String createDatabase(String prefix) {
    String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    sql(1, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    return name;
  }

  public void dropDatabase(String name) {
    try {
      sql(1, "DROP DATABASE IF EXISTS " + name);
    } catch (RuntimeException e) {
      log.warn("could not drop {}", name, e);
    }
  }

  /** Runs statements on one node as root. */
  public void sql(int node, String... statements) {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:mysql://127.0.0.1:" + sqlPort(node) + "/", "root", "");
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("node " + node + ": " + e.getMessage(), e);
    }
  }

  /** The cluster size one node reports (wsrep_cluster_size), or -1 when it does not answer. */
  public int clusterSize(int node) {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:mysql://127.0.0.1:" + sqlPort(node) + "/?connectTimeout=2000", "root", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'wsrep_cluster_size'")) {
      return rs.next() ? Integer.parseInt(rs.getString(2)) : -1;
    } catch (SQLException | NumberFormatException e) {
      return -1;
    }
  }

  /** SIGKILLs a node (a crashed database server). */
  public void kill(int node) {
    run(Duration.ofSeconds(30), "kill", Integer.toString(node));
  }

  /** Starts a node again and waits until it is Synced; returns how it rejoined (IST or SST). */
  public String restart(int node) {
    String out = run(Duration.ofMinutes(4), "restart", Integer.toString(node));
    return out.contains("IST") ? "IST" : out.contains("SST") ? "SST" : out.strip();
  }

  @Override
  public void close() {
    try {
      run(Duration.ofMinutes(2), "destroy");
    } catch (RuntimeException e) {
      log.warn("destroying the Galera cluster failed", e);
    }
  }

  private String run(Duration timeout, String command, String... args) {
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), command));
    if (command.equals("kill") || command.equals("restart")) {
      cmd.add(args[0]);
      args = java.util.Arrays.copyOfRange(args, 1, args.length);
    }
    cmd.addAll(List.of("--dir", DIR.toString(), "--base-port", Integer.toString(BASE_PORT)));
    if (command.equals("start")) {
      cmd.addAll(List.of("--nodes", Integer.toString(NODES)));
    }
    cmd.addAll(List.of(args));
    try {
      Path output = Files.createTempFile("galera-" + command, ".log");
      try {
        Process p =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(
              "cluster.sh " + command + " timed out: " + Files.readString(output));
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              "cluster.sh " + command + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run cluster.sh: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
