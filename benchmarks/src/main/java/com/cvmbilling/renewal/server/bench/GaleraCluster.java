package com.cvmbilling.renewal.server.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB Galera cluster of the benchmark's own, started and removed with the project's script
 * ({@code deploy/galera/cluster.sh start|destroy --dir DIR --base-port P}), so that the benchmark
 * measures the cluster an operator would start. Root with no password on 127.0.0.1.
 */
final class GaleraCluster implements AutoCloseable {
  /** Another engineer's cluster lives there (the script's default): never start or destroy it. */
  private static final Path SHARED_DEFAULT_DIR = Path.of("/tmp/renewal-galera");

  private final Path script;
  private final Path dir;
  private final int basePort;
  private final int nodes;
  private volatile boolean destroyed;

  private GaleraCluster(Path script, Path dir, int basePort, int nodes) {
    this.script = script;
    this.dir = dir;
    this.basePort = basePort;
    this.nodes = nodes;
  }

  /**
   * Starts {@code nodes} nodes, node i with its SQL port at {@code basePort + i - 1}, and waits
   * until every node is Synced (the script does). A cluster left in {@code dir} by an aborted run
   * is destroyed first.
   */
  static GaleraCluster start(Path script, Path dir, int basePort, int nodes, PrintStream out)
      throws IOException, InterruptedException {
    Path absolute = dir.toAbsolutePath().normalize();
    if (absolute.equals(SHARED_DEFAULT_DIR)) {
      throw new IllegalArgumentException(
          absolute + " is the script's default directory, used by someone else's cluster");
    }
    GaleraCluster cluster = new GaleraCluster(script, absolute, basePort, nodes);
    if (Files.exists(absolute.resolve("cluster.env"))) {
      out.println("galera: a cluster from an earlier run is in " + absolute + "; destroying it");
      cluster.run(out, "destroy", "--dir", absolute.toString());
    }
    long t0 = System.nanoTime();
    try {
      cluster.run(
          out,
          "start",
          "--dir",
          absolute.toString(),
          "--base-port",
          Integer.toString(basePort),
          "--nodes",
          Integer.toString(nodes));
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    out.printf(
        java.util.Locale.ROOT,
        "galera: %d nodes Synced in %.1f s (dir %s, SQL ports %d-%d)%n",
        nodes,
        (System.nanoTime() - t0) / 1e9,
        absolute,
        basePort,
        basePort + nodes - 1);
    return cluster;
  }

  /** {@code jdbc:mysql://127.0.0.1:<port of node i>/}, node 1 first. */
  List<String> baseUrls() {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      urls.add("jdbc:mysql://127.0.0.1:" + (basePort + i) + "/");
    }
    return urls;
  }

  /** The nodes' mariadbd pids, from their pid files. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      try {
        pids.add(
            Long.parseLong(Files.readString(dir.resolve("node" + i + "/mariadbd.pid")).strip()));
      } catch (IOException | RuntimeException e) {
        pids.add(-1L);
      }
    }
    return pids;
  }

  /**
   * Galera's own counters on each node ({@code SHOW GLOBAL STATUS}): certification failures, brute
   * force aborts (a local transaction killed by a replicated one), flow control, writesets.
   */
  static final List<String> COUNTERS =
      List.of(
          "wsrep_local_cert_failures",
          "wsrep_local_bf_aborts",
          "wsrep_flow_control_paused_ns",
          "wsrep_flow_control_sent",
          "wsrep_replicated",
          "wsrep_received");

  /**
   * {@link #COUNTERS} summed over the nodes, in that order; but the flow control pause is the
   * largest node's: a pause stops replication in the whole cluster, so every node counts it.
   */
  Map<String, Long> counters() {
    Map<String, Long> sum = new LinkedHashMap<>();
    COUNTERS.forEach(c -> sum.put(c, 0L));
    for (String url : baseUrls()) {
      try (Connection c = DriverManager.getConnection(url, "root", "");
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SHOW GLOBAL STATUS WHERE Variable_name IN ('"
                      + String.join("','", COUNTERS)
                      + "')")) {
        while (rs.next()) {
          String name = rs.getString(1).toLowerCase(java.util.Locale.ROOT);
          sum.merge(
              name,
              rs.getLong(2),
              name.equals("wsrep_flow_control_paused_ns") ? Long::max : Long::sum);
        }
      } catch (SQLException | RuntimeException e) {
        sum.put("unreadable", 1L);
      }
    }
    return sum;
  }

  /** Stops the nodes and removes the directory ({@code cluster.sh destroy}); idempotent. */
  @Override
  public synchronized void close() {
    if (destroyed) {
      return;
    }
    destroyed = true;
    try {
      run(System.out, "destroy", "--dir", dir.toString());
    } catch (IOException | RuntimeException e) {
      System.err.println("galera: could not destroy " + dir + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs the script; its output goes to a log under target/bench-results and its last lines out.
   */
  private void run(PrintStream out, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(script.toString());
    command.addAll(List.of(args));
    Path log =
        Files.createDirectories(Path.of("target", "bench-results"))
            .resolve("galera-" + args[0] + ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("cluster.sh " + args[0] + " took more than 5 minutes");
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "cluster.sh " + String.join(" ", args) + " failed (" + p.exitValue() + "):\n" + text);
    }
    List<String> lines = text.strip().lines().toList();
    out.println("galera: " + lines.get(lines.size() - 1));
  }
}
