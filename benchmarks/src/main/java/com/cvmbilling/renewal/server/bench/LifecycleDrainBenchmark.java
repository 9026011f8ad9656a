package com.cvmbilling.renewal.server.bench;

import com.cvmbilling.renewal.server.app.RenewalServer;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.service.LifecycleService;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How fast the lifecycle job drains work that falls due at one moment (issue target: 100,000
 * instances at >= 2,000 instances/s on MariaDB). Not a test: a harness that prints figures.
 *
 * <pre>
 * mvn -B -ntp -pl benchmarks -am -DskipTests package exec:java@lifecycle-bench -Dbench.instances=100000 -Dbench.runners=1
 * </pre>
 *
 * It creates a fresh MariaDB database (RENEWAL_TEST_MARIADB_URL, default 127.0.0.1:3306 root),
 * loads N prepaid instances over 100 accounts, all expiring at the same instant T: 70% manual
 * (isolated at T), 20% auto-renew with enough balance (renewed at T), 10% auto-renew whose account
 * cannot pay (AUTO_RENEW_FAILED + isolated at T). Then R runners (separate pools and Guice graphs,
 * like replicas) run the job at T concurrently until nothing is due, and it prints the drain rate
 * and checks that every instance was processed exactly once.
 */
public final class LifecycleDrainBenchmark {
  public static void main(String[] args) throws Exception {
    int instances = Integer.getInteger("bench.instances", 100_000);
    int runners = Integer.getInteger("bench.runners", 1);
    Integer batchFlag = Integer.getInteger("bench.batch"); // default: the server's own default
    int accounts = 100;
    Instant due = Instant.parse("2027-03-01T00:00:00Z");

    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb()) {
      List<RenewalServer> replicas = new ArrayList<>();
      int batch = 0;
      for (int r = 0; r < runners; r++) {
        ServerConfig.Builder builder = ServerConfig.builder(db.settings()).runLifecycle(false);
        if (batchFlag != null) {
          builder.lifecycleBatchSize(batchFlag);
        }
        ServerConfig config = builder.build();
        batch = config.lifecycle().batchSize();
        replicas.add(RenewalServer.create(config, new TestClock(due)));
      }
      String url = db.settings().jdbcUrl() + "?rewriteBatchedStatements=true";
      long loadStart = System.nanoTime();
      load(url, instances, accounts, due);
      System.out.printf(
          "loaded %,d due instances over %d accounts in %.1f s%n",
          instances, accounts, (System.nanoTime() - loadStart) / 1e9);

      ExecutorService pool = Executors.newFixedThreadPool(runners);
      long start = System.nanoTime();
      List<Future<Integer>> results = new ArrayList<>();
      for (RenewalServer replica : replicas) {
        LifecycleService lifecycle = replica.injector().getInstance(LifecycleService.class);
        results.add(pool.submit((Callable<Integer>) () -> lifecycle.runDue(due)));
      }
      long steps = 0;
      for (Future<Integer> f : results) {
        steps += f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();

      Map<String, Long> counts = counts(url);
      System.out.printf(
          "runners=%d batch=%d: %,d steps for %,d instances in %.2f s = %,.0f instances/s%n",
          runners, batch, steps, instances, seconds, instances / seconds);
      System.out.println("events by type: " + counts);
      boolean exact = exactlyOnce(counts, instances);
      System.out.println(exact ? "exactly once: OK" : "exactly once: VIOLATED");
      replicas.forEach(RenewalServer::close);
      if (!exact) {
        System.exit(1);
      }
    }
  }

  static void load(String url, int instances, int accounts, Instant due) throws Exception {
    load(url, instances, accounts, due, due);
  }

  /**
   * The same instances (expiring at {@code due}), queued for the job at {@code nextDue}: a later
   * instant keeps them from being due until {@link #makeDue} moves them all to {@code due} in one
   * commit, so that runners already running see the whole load appear at once.
   */
  static void load(String url, int instances, int accounts, Instant due, Instant nextDue)
      throws Exception {
    try (Connection c =
        DriverManager.getConnection(
            url, TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword())) {
      c.setAutoCommit(false);
      long now = due.minusSeconds(86_400 * 30).toEpochMilli();
      try (PreparedStatement a =
          c.prepareStatement(
              "INSERT INTO account (account_id, display_name, balance_fen, billing_time_zone, created_time_ms) VALUES (?,?,?,?,?)")) {
        for (int i = 0; i < accounts; i++) {
          a.setString(1, String.format("acc-b%07d", i));
          a.setString(2, "bench " + i);
          // Accounts 90..99 cannot pay for anything; the others can pay for everything.
          a.setLong(3, i >= 90 ? 0 : 1_000_000_000L);
          a.setString(4, "Asia/Shanghai");
          a.setLong(5, now);
          a.addBatch();
        }
        a.executeBatch();
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO instance (instance_id, account_id, instance_type, charge_type, state, created_time_ms,"
                  + " expired_time_ms, expiry_anchor_day, renew_flag, auto_renew_period_months, bandwidth_mbps, version,"
                  + " next_due_ms, reminded_expiry_ms, reminded_days_before)"
                  + " VALUES (?,?,'S5.SMALL2','PREPAID','RUNNING',?,?,1,?,1,1,1,?,?,1)")) {
        for (int i = 0; i < instances; i++) {
          int account = i % accounts;
          boolean poor = account >= 90;
          boolean auto = poor || (i % 10) < 2;
          p.setString(1, String.format("ins-%08d", i));
          p.setString(2, String.format("acc-b%07d", account));
          p.setLong(3, now);
          p.setLong(4, due.toEpochMilli());
          p.setString(5, auto ? "NOTIFY_AND_AUTO_RENEW" : "NOTIFY_AND_MANUAL_RENEW");
          p.setLong(6, nextDue.toEpochMilli());
          p.setLong(7, due.toEpochMilli()); // every reminder of this cycle already sent
          p.addBatch();
          if (i % 5000 == 4999) {
            p.executeBatch();
            c.commit();
          }
        }
        p.executeBatch();
      }
      c.commit();
    }
  }

  /** Moves every instance queued at {@code from} to {@code due}, in one transaction. */
  static int makeDue(String url, Instant from, Instant due) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                url, TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword());
        PreparedStatement p =
            c.prepareStatement("UPDATE instance SET next_due_ms = ? WHERE next_due_ms = ?")) {
      c.setAutoCommit(false);
      p.setLong(1, due.toEpochMilli());
      p.setLong(2, from.toEpochMilli());
      int n = p.executeUpdate();
      c.commit();
      return n;
    }
  }

  /**
   * The exactly-once check of a drain of {@code instances} loaded by {@link #load} ({@link #counts}
   * after it): nothing still due, no instance with two events of one type, every instance isolated
   * or auto-renewed once, and one charge per auto-renewal.
   */
  static boolean exactlyOnce(Map<String, Long> counts, long instances) {
    long isolatedOrRenewed =
        counts.getOrDefault("ISOLATED", 0L) + counts.getOrDefault("AUTO_RENEWED", 0L);
    return counts.getOrDefault("STILL_DUE", 0L) == 0
        && counts.getOrDefault("DUPLICATED", 0L) == 0
        && isolatedOrRenewed == instances
        && counts.getOrDefault("AUTO_RENEWED", 0L).equals(counts.getOrDefault("CHARGES", -1L));
  }

  /** How many instances are due at {@code due} (queued at or before it). */
  static long stillDue(Connection c, Instant due) throws java.sql.SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT COUNT(*) FROM instance WHERE next_due_ms <= ?")) {
      p.setLong(1, due.toEpochMilli());
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static Map<String, Long> counts(String url) throws Exception {
    Map<String, Long> counts = new java.util.TreeMap<>();
    try (Connection c =
            DriverManager.getConnection(
                url, TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword());
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT event_type, COUNT(*) FROM instance_event GROUP BY event_type")) {
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getLong(2));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM auto_renew_charge")) {
        rs.next();
        counts.put("CHARGES", rs.getLong(1));
      }
      counts.put("STILL_DUE", stillDue(c, Instant.parse("2027-03-01T00:00:00Z")));
      try (ResultSet rs =
          s.executeQuery(
              "SELECT COUNT(*) FROM (SELECT instance_id FROM instance_event GROUP BY instance_id, event_type HAVING COUNT(*) > 1) d")) {
        rs.next();
        counts.put("DUPLICATED", rs.getLong(1));
      }
    }
    return counts;
  }

  private LifecycleDrainBenchmark() {}
}
