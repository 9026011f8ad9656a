package com.cvmbilling.renewal.server.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service needs from a MariaDB Galera cluster node, checked at start-up, and the two
 * things it does differently there (docs/OPERATIONS.md, "Galera cluster"):
 *
 * <ul>
 *   <li>causal reads: every session sets {@code wsrep_sync_wait=1}, so a read on one node sees
 *       every write the cluster committed before it (a client that renews through one replica and
 *       reads through another sees its write);
 *   <li>one migrator: Flyway's lock ({@code GET_LOCK}) is local to a node, so replicas starting
 *       together on different nodes would migrate at once; a lease row, whose takeover is a
 *       certified write, lets one of them migrate while the others wait.
 * </ul>
 */
public final class Galera {
  private static final Logger log = LoggerFactory.getLogger(Galera.class);

  /** Run on every new connection: reads wait until the node has applied what the cluster has. */
  public static final String CAUSAL_READS_SQL = "SET SESSION wsrep_sync_wait = 1";

  /** The settings the service relies on, each with what goes wrong without it. */
  private static final Map<String, Requirement> REQUIRED = new LinkedHashMap<>();

  static {
    REQUIRED.put(
        "binlog_format",
        new Requirement("ROW", "Galera replicates row events only; set binlog_format=ROW"));
    REQUIRED.put(
        "innodb_autoinc_lock_mode",
        new Requirement(
            "2", "Galera needs interleaved auto-increment locks; set innodb_autoinc_lock_mode=2"));
    REQUIRED.put(
        "wsrep_OSU_method",
        new Requirement(
            "TOI",
            "schema migrations must reach every node in the same order; set wsrep_OSU_method=TOI"));
    REQUIRED.put(
        "default_storage_engine",
        new Requirement(
            "InnoDB", "Galera replicates InnoDB tables only; set default_storage_engine=InnoDB"));
  }

  private record Requirement(String value, String why) {}

  /** Lease table and row: created outside Flyway because it must exist before Flyway runs. */
  private static final String LEASE_TABLE = "renewal_migration_lease";

  /** Longer than any migration of this schema takes; the longest a dead migrator blocks others. */
  private static final Duration LEASE = Duration.ofMinutes(5);

  private Galera() {}

  /** Whether the connection's server is a Galera node with replication on. */
  static boolean isClusterNode(Connection c) {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT @@wsrep_on")) {
      return rs.next() && rs.getInt(1) == 1;
    } catch (SQLException notMariaDbWithWsrep) {
      return false; // MySQL, or a MariaDB built without wsrep: not a cluster node
    } finally {
      rollbackQuietly(c);
    }
  }

  /**
   * The settings of this node that the service cannot run with, each as a sentence naming the
   * setting, what it is and what it must be. Empty when all is well.
   */
  static List<String> settingProblems(Connection c) throws SQLException {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Requirement> required : REQUIRED.entrySet()) {
      String actual = variable(c, required.getKey());
      if (!required.getValue().value().equalsIgnoreCase(actual)) {
        problems.add(
            required.getKey()
                + " is "
                + actual
                + ": "
                + required.getValue().why()
                + " in the [mariadbd] section of every node");
      }
    }
    return problems;
  }

  /** Null when the node can serve; otherwise why not (it is joining, donating or cut off). */
  static String notReady(Connection c) throws SQLException {
    String ready = status(c, "wsrep_ready");
    String state = status(c, "wsrep_local_state_comment");
    String component = status(c, "wsrep_cluster_status");
    if ("ON".equalsIgnoreCase(ready) && "Primary".equalsIgnoreCase(component)) {
      return null;
    }
    return "the Galera node is not ready (wsrep_ready="
        + ready
        + ", state "
        + state
        + ", component "
        + component
        + ")";
  }

  /** For the start-up log: the node's state and the cluster's size. */
  static String describe(Connection c) throws SQLException {
    return "Galera node "
        + variable(c, "wsrep_node_name")
        + " ("
        + status(c, "wsrep_local_state_comment")
        + ", cluster size "
        + status(c, "wsrep_cluster_size")
        + ")";
  }

  /**
   * Migrates the schema while holding the cluster-wide migration lease. While another replica holds
   * it (it is migrating), waits for as long as it does, whatever the start-up wait; a replica that
   * died holding it blocks the others for at most the lease's length (5 minutes).
   */
  static void migrateUnderLease(DataSource dataSource, long deadlineNanos) throws SQLException {
    String owner = UUID.randomUUID().toString();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try {
        try (Statement s = c.createStatement()) {
          s.execute(
              "CREATE TABLE IF NOT EXISTS "
                  + LEASE_TABLE
                  + " (id INT NOT NULL PRIMARY KEY, owner VARCHAR(64) NOT NULL,"
                  + " expires_ms BIGINT NOT NULL) ENGINE=InnoDB");
        }
        retryingConflicts(
            () -> {
              try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT IGNORE INTO " + LEASE_TABLE + " VALUES (1, '', 0)");
              }
              return true;
            },
            deadlineNanos);
        awaitLease(c, owner, deadlineNanos);
        try {
          if (onlyTheLeaseTable(c)) {
            // A fresh database but for the lease table: Flyway would refuse the "non-empty" schema
            // without a history table. A baseline at version 0 applies every migration from V1.
            DataSources.flyway(dataSource)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
          } else {
            DataSources.migrate(dataSource);
          }
        } finally {
          release(c, owner);
        }
      } finally {
        c.setAutoCommit(false);
      }
    }
  }

  private static boolean onlyTheLeaseTable(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables.size() == 1 && tables.get(0).equalsIgnoreCase(LEASE_TABLE);
  }

  private static void awaitLease(Connection c, String owner, long deadlineNanos)
      throws SQLException {
    boolean logged = false;
    while (true) {
      boolean acquired =
          retryingConflicts(
              () -> {
                long now = System.currentTimeMillis();
                try (PreparedStatement take =
                    c.prepareStatement(
                        "UPDATE "
                            + LEASE_TABLE
                            + " SET owner = ?, expires_ms = ? WHERE id = 1 AND expires_ms < ?")) {
                  take.setString(1, owner);
                  take.setLong(2, now + LEASE.toMillis());
                  take.setLong(3, now);
                  return take.executeUpdate() == 1;
                }
              },
              deadlineNanos);
      if (acquired) {
        return;
      }
      // Another replica holds the lease: wait while it does (a slow migration is start-up making
      // progress, not a database that cannot be reached); an expired lease is taken above.
      if (System.nanoTime() > deadlineNanos && !heldByAnother(c)) {
        throw new SQLException(
            "could not take the migration lease in table "
                + LEASE_TABLE
                + " within the start-up wait");
      }
      if (!logged) {
        log.info("another replica is migrating the schema; waiting for it");
        logged = true;
      }
      sleep(500);
    }
  }

  private static boolean heldByAnother(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT expires_ms FROM " + LEASE_TABLE + " WHERE id = 1")) {
      return rs.next() && rs.getLong(1) >= System.currentTimeMillis();
    }
  }

  private static void release(Connection c, String owner) {
    try (PreparedStatement free =
        c.prepareStatement(
            "UPDATE " + LEASE_TABLE + " SET owner = '', expires_ms = 0 WHERE owner = ?")) {
      free.setString(1, owner);
      free.executeUpdate();
    } catch (SQLException e) {
      log.warn("could not release the migration lease; it expires by itself", e);
    }
  }

  private interface SqlWork {
    boolean run() throws SQLException;
  }

  /** Autocommit statements can lose at certification (error 1213) too: run them again. */
  private static boolean retryingConflicts(SqlWork work, long deadlineNanos) throws SQLException {
    while (true) {
      try {
        return work.run();
      } catch (SQLException e) {
        if (!Transactions.isRetryableConflict(e) || System.nanoTime() > deadlineNanos) {
          throw e;
        }
        sleep(50);
      }
    }
  }

  private static String variable(Connection c, String name) throws SQLException {
    return show(c, "SHOW GLOBAL VARIABLES LIKE '" + name + "'");
  }

  private static String status(Connection c, String name) throws SQLException {
    return show(c, "SHOW GLOBAL STATUS LIKE '" + name + "'");
  }

  private static String show(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(2) : null;
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // the connection is closed by the caller
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during start-up", e);
    }
  }
}
