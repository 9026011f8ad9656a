package com.cvmbilling.renewal.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore as docs/OPERATIONS.md describes it (issue #12 point 8): {@code mariadb-dump
 * --single-transaction} of a database while renewals run, restored into a fresh database with the
 * {@code mariadb} client, and a server started on the copy. The copy is one consistent instant of
 * the original: every balance equals its ledger, every renewal order in it is one the client was
 * told succeeded, and each such renewal, repeated with its client token on the restored server,
 * answers the same order without charging again; the copy serves new renewals.
 */
@Tier.Fault
@Tier.Network
@Tier.MariaDb
class BackupRestoreTest {
  private static final Pattern HOST_PORT = Pattern.compile("//([^:/?]+)(?::(\\d+))?/");

  @TempDir Path dir;

  /** One renewal the client was told succeeded. */
  record Renewed(TestAccount account, String instanceId, String token, String orderId) {}

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aDumpTakenUnderLoadRestoresToAConsistentServingCopy() throws Exception {
    Map<String, Renewed> renewed = new ConcurrentHashMap<>();
    try (TestDatabases.TestDatabase original = TestDatabases.mariaDb("backup");
        TestDatabases.TestDatabase copy = TestDatabases.mariaDb("restore")) {
      Path dump = dir.resolve("dump.sql");
      try (TcpTestServer server = new TcpTestServer(original.settings(), b -> b.port(0))) {
        List<TestAccount> accounts = new ArrayList<>();
        Map<TestAccount, List<String>> instances = new HashMap<>();
        for (int i = 0; i < 4; i++) {
          TestAccount a = server.createAccount(100_000_000);
          accounts.add(a);
          instances.put(
              a,
              server.createPrepaid(a, 3, Instant.now().plusSeconds(30 * 86400)).stream()
                  .map(Instance::getInstanceId)
                  .toList());
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sequence = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(accounts.size());
        for (TestAccount a : accounts) {
          load.execute(
              () -> {
                while (!stop.get()) {
                  int n = sequence.incrementAndGet();
                  String id = instances.get(a).get(n % 3);
                  String token = "backup-" + n;
                  RenewInstancesResponse r =
                      server
                          .tenant(a.apiKey())
                          .withDeadlineAfter(20, TimeUnit.SECONDS)
                          .renewInstances(
                              RenewInstancesRequest.newBuilder()
                                  .addInstanceIds(id)
                                  .setPeriodMonths(1)
                                  .setClientToken(token)
                                  .build());
                  renewed.put(r.getOrderId(), new Renewed(a, id, token, r.getOrderId()));
                }
              });
        }
        awaitRenewals(renewed, 40);
        int before = renewed.size();
        run(
            dir.resolve("dump.log"),
            List.of(
                "mariadb-dump",
                "--host=" + host(original),
                "--port=" + port(original),
                "--user=" + TestDatabases.mariaDbUser(),
                "--password=" + TestDatabases.mariaDbPassword(),
                "--single-transaction",
                "--routines",
                "--triggers",
                "--result-file=" + dump,
                name(original)));
        awaitRenewals(renewed, before + 40);
        stop.set(true);
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }

      run(
          dir.resolve("restore.log"),
          List.of(
              "mariadb",
              "--host=" + host(copy),
              "--port=" + port(copy),
              "--user=" + TestDatabases.mariaDbUser(),
              "--password=" + TestDatabases.mariaDbPassword(),
              name(copy),
              "-e",
              "source " + dump));

      Set<String> ordersInCopy = new HashSet<>();
      try (Connection c = connect(copy);
          Statement s = c.createStatement()) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT a.account_id, a.balance_fen, COALESCE(SUM(b.amount_fen), 0)"
                    + " FROM account a LEFT JOIN billing_record b ON b.account_id = a.account_id"
                    + " GROUP BY a.account_id, a.balance_fen")) {
          while (rs.next()) {
            assertThat(rs.getLong(2))
                .as("balance of %s equals its ledger in the copy", rs.getString(1))
                .isEqualTo(rs.getLong(3))
                .isNotNegative();
          }
        }
        try (ResultSet rs =
            s.executeQuery("SELECT order_id FROM billing_record WHERE record_type = 'RENEW'")) {
          while (rs.next()) {
            ordersInCopy.add(rs.getString(1));
          }
        }
      }
      assertThat(ordersInCopy)
          .as("the copy holds renewals from before the dump, and only ones the client saw succeed")
          .isNotEmpty()
          .isSubsetOf(renewed.keySet())
          .hasSizeLessThan(renewed.size());

      try (TcpTestServer restored = new TcpTestServer(copy.settings(), b -> b.port(0))) {
        for (String order : ordersInCopy) {
          Renewed r = renewed.get(order);
          RenewInstancesResponse replay =
              restored
                  .tenant(r.account().apiKey())
                  .renewInstances(
                      RenewInstancesRequest.newBuilder()
                          .addInstanceIds(r.instanceId())
                          .setPeriodMonths(1)
                          .setClientToken(r.token())
                          .build());
          assertThat(replay.getOrderId())
              .as("token %s replays its order", r.token())
              .isEqualTo(order);
        }
        Renewed any = renewed.get(ordersInCopy.iterator().next());
        RenewInstancesResponse fresh =
            restored
                .tenant(any.account().apiKey())
                .renewInstances(
                    RenewInstancesRequest.newBuilder()
                        .addInstanceIds(any.instanceId())
                        .setPeriodMonths(1)
                        .setClientToken("after-restore")
                        .build());
        assertThat(fresh.getOrderId()).isNotIn(renewed.keySet());
      }
      try (Connection c = connect(copy);
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT COUNT(DISTINCT order_id) FROM billing_record WHERE record_type = 'RENEW'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("replays charged nothing").isEqualTo(ordersInCopy.size() + 1);
      }
    }
  }

  private static void awaitRenewals(Map<String, Renewed> renewed, int atLeast)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (renewed.size() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(renewed.size()).as("renewals under load").isGreaterThanOrEqualTo(atLeast);
  }

  private static void run(Path log, List<String> command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(command.get(0) + " ends").isTrue();
    assertThat(p.exitValue())
        .as(command.get(0) + ": " + java.nio.file.Files.readString(log))
        .isZero();
  }

  private static Connection connect(TestDatabases.TestDatabase db) throws SQLException {
    return DriverManager.getConnection(
        db.settings().url(), TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword());
  }

  private static String name(TestDatabases.TestDatabase db) {
    String url = db.settings().url();
    String tail = url.substring(url.lastIndexOf('/') + 1);
    int query = tail.indexOf('?');
    return query < 0 ? tail : tail.substring(0, query);
  }

  private static String host(TestDatabases.TestDatabase db) {
    Matcher m = HOST_PORT.matcher(db.settings().url());
    assertThat(m.find()).as(db.settings().url()).isTrue();
    return m.group(1);
  }

  private static String port(TestDatabases.TestDatabase db) {
    Matcher m = HOST_PORT.matcher(db.settings().url());
    assertThat(m.find()).as(db.settings().url()).isTrue();
    return m.group(2) == null ? "3306" : m.group(2);
  }
}
