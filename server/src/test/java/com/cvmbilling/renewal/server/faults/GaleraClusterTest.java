package com.cvmbilling.renewal.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.GaleraCluster;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import io.grpc.ManagedChannel;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service on a 3-node MariaDB Galera cluster (issue #9): four replicas, three on one node each
 * (multi-primary writes) and one given every node (failover URL), all started together on an empty
 * database. Short by default (what CI runs); {@code -Dgalera.long=true} runs the load with the node
 * kill at the fault suite's full size (48 callers, 20,000 logical calls).
 */
@Tier.Galera
@Tier.Fault
@Tier.Process
@Tier.Network
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GaleraClusterTest {
  private static final Logger log = LoggerFactory.getLogger(GaleraClusterTest.class);
  private static final boolean LONG = Boolean.getBoolean("galera.long");
  private static final Map<String, String> ROOT = Map.of("RENEWAL_DB_USER", "root");

  private GaleraCluster cluster;
  private String database;
  private final List<ServerProcess> replicas = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  void startFourReplicasAtOnce() throws Exception {
    cluster = GaleraCluster.shared();
    database = cluster.createDatabase("renewal_galera");
    List<String> urls = new ArrayList<>();
    for (int node = 1; node <= GaleraCluster.NODES; node++) {
      urls.add(cluster.nodeUrl(node, database));
    }
    urls.add(cluster.allNodesUrl(database));
    ExecutorService starter = Executors.newFixedThreadPool(urls.size());
    try {
      List<Future<ServerProcess>> starting = new ArrayList<>();
      for (int r = 0; r < urls.size(); r++) {
        String name = "galera-replica-" + (r + 1);
        String url = urls.get(r);
        starting.add(
            starter.submit(
                () ->
                    ServerProcess.start(
                        name, FaultProfile.serverJvmArgs(), FaultProfile.serverArgs(url), ROOT)));
      }
      for (Future<ServerProcess> f : starting) {
        ServerProcess replica = f.get(3, TimeUnit.MINUTES);
        replicas.add(replica);
        channels.add(replica.channel());
      }
    } finally {
      starter.shutdownNow();
    }
  }

  @AfterAll
  void stopReplicas() {
    replicas.forEach(ServerProcess::close);
    if (cluster != null && database != null) {
      cluster.dropDatabase(database);
    }
  }

  @Test
  @Order(1)
  void replicasStartedTogetherOnAnEmptyDatabaseMigratedItOnce() throws Exception {
    try (Connection c = jdbc(1);
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT version, COUNT(*), MIN(success) FROM flyway_schema_history"
                        + " GROUP BY version ORDER BY version")) {
      List<String> versions = new ArrayList<>();
      while (rs.next()) {
        assertThat(rs.getInt(2)).as("rows of version %s", rs.getString(1)).isEqualTo(1);
        assertThat(rs.getBoolean(3)).as("version %s succeeded", rs.getString(1)).isTrue();
        versions.add(rs.getString(1));
      }
      // 0 is the baseline under the lease table (see Galera.migrateUnderLease); then every
      // migration of this build, once.
      List<String> expected = new ArrayList<>(List.of("0"));
      try (var files = java.nio.file.Files.list(Path.of("src/main/resources/db/migration"))) {
        files
            .map(f -> f.getFileName().toString())
            .filter(n -> n.matches("V\\d+__.*\\.sql"))
            .map(n -> n.substring(1, n.indexOf("__")))
            .sorted(java.util.Comparator.comparingInt(Integer::parseInt))
            .forEach(expected::add);
      }
      assertThat(expected).as("this build's migrations").hasSizeGreaterThan(5);
      assertThat(versions).containsExactlyElementsOf(expected);
    }
    for (ServerProcess replica : replicas) {
      assertThat(replica.output()).contains("is a Galera node");
    }
    assertThat(replicas.stream().filter(r -> r.output().contains("another replica is migrating")))
        .as("replicas that waited for the one migrating")
        .isNotEmpty();
  }

  @Test
  @Order(3)
  void theSameTokenOnThreeNodesAtOnceChargesOnceAndEveryCallerGetsTheResponse() throws Exception {
    Tenant t = tenant(1_000_000, 1);
    int rounds = 20;
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; round < rounds; round++) {
        CyclicBarrier together = new CyclicBarrier(3);
        RenewInstancesRequest request =
            RenewInstancesRequest.newBuilder()
                .addInstanceIds(t.instanceIds().get(0))
                .setPeriodMonths(1)
                .setClientToken("same-token-" + round)
                .build();
        List<Future<RenewInstancesResponse>> calls = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
          RenewalServiceBlockingStub stub = t.on(r);
          calls.add(
              pool.submit(
                  () -> {
                    together.await(10, TimeUnit.SECONDS);
                    return stub.withDeadlineAfter(30, TimeUnit.SECONDS).renewInstances(request);
                  }));
        }
        RenewInstancesResponse first = calls.get(0).get(60, TimeUnit.SECONDS);
        for (Future<RenewInstancesResponse> call : calls) {
          assertThat(call.get(60, TimeUnit.SECONDS)).isEqualTo(first);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            count(
                "SELECT COUNT(*) FROM billing_record WHERE account_id = ? AND record_type = 'RENEW'",
                t.accountId()))
        .as("one RENEW ledger row per token")
        .isEqualTo(rounds);
    long balance =
        FaultWorkload.fen(
            t.on(3)
                .describeAccount(DescribeAccountRequest.getDefaultInstance())
                .getAccount()
                .getBalance());
    assertThat(balance).isEqualTo(1_000_000 - rounds * MONTHLY_FEN);
  }

  @Test
  @Order(4)
  void aWriteThroughOneNodeIsReadThroughTheOthersAtOnce() {
    Tenant t = tenant(10_000_000, 3);
    int rounds = 90;
    int stale = 0;
    long lastEvent = 0;
    for (int i = 0; i < rounds; i++) {
      int writer = i % 3;
      String instance = t.instanceIds().get(i % 3);
      RenewInstancesResponse renewed =
          t.on(writer)
              .renewInstances(
                  RenewInstancesRequest.newBuilder()
                      .addInstanceIds(instance)
                      .setPeriodMonths(1)
                      .build());
      RenewalServiceBlockingStub reader = t.on((writer + 1) % 3);
      Instance read =
          reader
              .describeInstances(
                  DescribeInstancesRequest.newBuilder().addInstanceIds(instance).build())
              .getInstances(0);
      long balance =
          FaultWorkload.fen(
              t.on((writer + 2) % 3)
                  .describeAccount(DescribeAccountRequest.getDefaultInstance())
                  .getAccount()
                  .getBalance());
      List<Event> events =
          reader
              .listEvents(
                  ListEventsRequest.newBuilder()
                      .setAfterEventId(lastEvent)
                      .setPageSize(100)
                      .build())
              .getEventsList();
      boolean sawEvent = events.stream().anyMatch(e -> e.getOrderId().equals(renewed.getOrderId()));
      if (!read.getExpiredTime().equals(renewed.getRenewals(0).getNewExpiredTime())
          || balance != FaultWorkload.fen(renewed.getBalance())
          || !sawEvent) {
        stale++;
      }
      if (!events.isEmpty()) {
        lastEvent = events.get(events.size() - 1).getEventId();
      }
    }
    log.info("read-your-writes across nodes: {} stale of {} rounds", stale, rounds);
    assertThat(stale).as("stale reads through another node").isZero();
  }

  @Test
  @Order(5)
  void anAccountsEventsWrittenThroughThreeNodesReachAnEventCursorInIdOrder() throws Exception {
    Tenant t = tenant(100_000_000, 6);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<?>> writers = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      RenewalServiceBlockingStub stub = t.on(r);
      String renewed = t.instanceIds().get(r);
      String flagged = t.instanceIds().get(r + 3);
      writers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 15; i++) {
                  stub.renewInstances(
                      RenewInstancesRequest.newBuilder()
                          .addInstanceIds(renewed)
                          .setPeriodMonths(1)
                          .build());
                  stub.setAutoRenew(
                      SetAutoRenewRequest.newBuilder()
                          .addInstanceIds(flagged)
                          .setRenewFlag(
                              i % 2 == 0
                                  ? RenewFlag.NOTIFY_AND_AUTO_RENEW
                                  : RenewFlag.NOTIFY_AND_MANUAL_RENEW)
                          .build());
                }
                return null;
              }));
    }
    // A consumer following the account's events with "after my last id", through the failover
    // replica, while the three nodes write: it must miss none.
    RenewalServiceBlockingStub consumer = t.on(3);
    Set<Long> followed = new TreeSet<>();
    long cursor = 0;
    Future<?> done =
        pool.submit(
            () -> {
              for (Future<?> w : writers) {
                w.get();
              }
              writing.set(false);
              return null;
            });
    boolean lastPass = false;
    while (true) {
      boolean stillWriting = writing.get();
      List<Event> page =
          consumer
              .listEvents(
                  ListEventsRequest.newBuilder().setAfterEventId(cursor).setPageSize(100).build())
              .getEventsList();
      for (Event e : page) {
        followed.add(e.getEventId());
        cursor = e.getEventId();
      }
      if (page.isEmpty() && !stillWriting) {
        if (lastPass) {
          break;
        }
        lastPass = true;
      }
    }
    done.get(1, TimeUnit.MINUTES);
    pool.shutdownNow();
    Set<Long> all = new TreeSet<>();
    long after = 0;
    while (true) {
      List<Event> page =
          consumer
              .listEvents(
                  ListEventsRequest.newBuilder().setAfterEventId(after).setPageSize(100).build())
              .getEventsList();
      if (page.isEmpty()) {
        break;
      }
      page.forEach(e -> all.add(e.getEventId()));
      after = page.get(page.size() - 1).getEventId();
    }
    Set<Long> missed = new HashSet<>(all);
    missed.removeAll(followed);
    log.info("event cursor across nodes: {} events, {} missed", all.size(), missed.size());
    assertThat(all).hasSizeGreaterThanOrEqualTo(3 * 15 * 2);
    assertThat(missed).as("events the cursor skipped").isEmpty();
  }

  /**
   * Runs first on the database (the invariant checker checks every account in it): the fault
   * suite's load through the four replicas, node 2 SIGKILLed at 30% and restarted 8 s later.
   */
  @Test
  @Order(2)
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void aNodeKilledMidLoadAndRestartedLosesNothingAndChargesNothingTwice() throws Exception {
    FaultWorkload workload =
        new FaultWorkload(
            FaultProfile.ADMIN_KEY,
            LONG
                ? new FaultWorkload.Shape(3, 30, 12, 20, 4, 10, 20_000, 0.30, 0.10, 0.05, 0.60, 48)
                : new FaultWorkload.Shape(3, 30, 6, 20, 2, 10, 2_500, 0.30, 0.10, 0.05, 0.60, 24));
    List<Integer> ports = replicas.stream().map(ServerProcess::port).toList();
    FaultClient client = new FaultClient(ports, Duration.ofSeconds(10), Duration.ofMinutes(3));
    AtomicLong killedAt = new AtomicLong();
    AtomicLong syncedAt = new AtomicLong();
    AtomicLong reformedAt = new AtomicLong();
    AtomicLong restartBegunAt = new AtomicLong();
    String[] rejoin = new String[1];
    Thread restarter =
        new Thread(
            () -> {
              long restartAt = killedAt.get() + TimeUnit.SECONDS.toNanos(8);
              try {
                // The survivors' own view: the moment they have dropped node 2 (their writes
                // stall until then, up to evs.suspect_timeout and a view change).
                while (cluster.clusterSize(1) != GaleraCluster.NODES - 1
                    && System.nanoTime() < killedAt.get() + TimeUnit.SECONDS.toNanos(60)) {
                  Thread.sleep(50);
                }
                reformedAt.set(System.nanoTime());
                // Down for a while, under load.
                Thread.sleep(Math.max(0, (restartAt - System.nanoTime()) / 1_000_000));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              restartBegunAt.set(System.nanoTime());
              rejoin[0] = cluster.restart(2);
              syncedAt.set(System.nanoTime());
            },
            "galera-restart");
    long t0;
    try (client) {
      workload.setUp(client.channel(0), 9);
      t0 = System.nanoTime();
      workload.run(
          client,
          List.of(
              new FaultWorkload.Trigger(
                  0.3,
                  () -> {
                    cluster.kill(2);
                    killedAt.set(System.nanoTime());
                    log.info("node 2 SIGKILLed");
                    restarter.start();
                  })),
          FaultProfile.loadTimeout());
      restarter.join(TimeUnit.MINUTES.toMillis(5));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<FaultClient.Attempt> attempts = client.attempts();
    // The dead node's replica serves again once its node is back (the load may be over by then).
    long servedAgain = -1;
    long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (servedAgain < 0 && System.nanoTime() < until) {
      try {
        RenewalServiceGrpc.newBlockingStub(channels.get(1))
            .withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(
                    FaultWorkload.bearer(workload.accounts.get(0).apiKey())))
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .describeAccount(DescribeAccountRequest.getDefaultInstance());
        servedAgain = System.nanoTime();
      } catch (io.grpc.StatusRuntimeException e) {
        Thread.sleep(100);
      }
    }
    long firstOkOnNode2AfterRestart =
        attempts.stream()
            .filter(a -> a.endpoint() == 1 && a.ok() && a.startNanos() > syncedAt.get())
            .mapToLong(FaultClient.Attempt::endNanos)
            .min()
            .orElse(servedAgain);
    long longestOkAfterKill =
        attempts.stream()
            .filter(a -> a.ok() && a.startNanos() > killedAt.get())
            .mapToLong(a -> a.endNanos() - a.startNanos())
            .max()
            .orElse(0);
    // Between the survivors' dropping the dead node and its restart, and again once it is
    // Synced, a call that reaches a survivor, retries of cut-off calls included, completes at
    // once: it finds nothing left behind by the call it repeats. (View changes, the eviction and
    // the rejoin, stall writes on every node for seconds: those windows are left out.)
    long longestOkOnceReformed =
        attempts.stream()
            .filter(a -> a.ok() && a.endpoint() != 1)
            .filter(
                a ->
                    (a.startNanos() > reformedAt.get() && a.endNanos() < restartBegunAt.get())
                        || a.startNanos() > syncedAt.get())
            .mapToLong(a -> a.endNanos() - a.startNanos())
            .max()
            .orElse(0);
    log.info(
        "node kill: {} sendings of {} logical calls in {} s; node 2 rejoined by {} {} s after the"
            + " kill; its replica served again {} s after that; longest successful attempt after"
            + " the kill {} ms, on a survivor outside view changes {} ms (survivors re-formed {} s after"
            + " the kill); retries {}",
        workload.sendings.size(),
        workload.calls.size(),
        String.format("%.1f", seconds),
        rejoin[0],
        String.format("%.1f", (syncedAt.get() - killedAt.get()) / 1e9),
        String.format("%.1f", (firstOkOnNode2AfterRestart - syncedAt.get()) / 1e9),
        longestOkAfterKill / 1_000_000,
        longestOkOnceReformed / 1_000_000,
        String.format("%.1f", (reformedAt.get() - killedAt.get()) / 1e9),
        client.retries());
    assertThat(killedAt.get()).as("node 2 was killed under load").isPositive();
    assertThat(rejoin[0]).as("node 2 rejoined").isIn("IST", "SST");
    assertThat(servedAgain).as("the replica of node 2 served again").isPositive();
    assertThat(Duration.ofNanos(longestOkOnceReformed))
        .as("longest call on a survivor outside the view changes")
        .isLessThan(Duration.ofSeconds(5));
    // Certification conflicts and crashed calls are the server's business: callers saw only
    // UNAVAILABLE (the dead node's replica, connections cut) or a deadline, and retried.
    assertThat(client.retries().keySet())
        .as("outcomes that were retried")
        .allMatch(o -> o.startsWith("UNAVAILABLE") || o.startsWith("DEADLINE_EXCEEDED"));
    assertThat(
            attempts.stream()
                .filter(
                    a -> a.outcome().startsWith("INTERNAL") || a.outcome().startsWith("UNKNOWN")))
        .isEmpty();
    InvariantChecker checker = new InvariantChecker(causalUrl(3), "root", "");
    InvariantChecker.Summary summary = checker.check(workload);
    log.info("invariants on the cluster: {}", summary);
    assertThat(checker.problems()).as("invariant violations").isEmpty();
    assertThat(summary.succeeded() + summary.insufficient()).isEqualTo(workload.calls.size());
    for (ServerProcess replica : replicas) {
      assertThat(replica.isAlive()).isTrue();
      assertThat(replica.output()).doesNotContain("OutOfMemoryError");
    }
  }

  @Test
  @Order(6)
  void aMisconfiguredNodeStopsAReplicaAtStartWithStatus2NamingEachSetting() throws Exception {
    cluster.sql(
        3, "SET GLOBAL wsrep_OSU_method = 'RSU'", "SET GLOBAL default_storage_engine = 'MyISAM'");
    try (ServerProcess replica =
        ServerProcess.launch(
            "galera-misconfigured",
            List.of(
                "--port",
                "0",
                "--db-url",
                cluster.nodeUrl(3, database),
                "--db-user",
                "root",
                "--no-lifecycle"))) {
      int exit = replica.awaitExit(Duration.ofMinutes(1));
      assertThat(exit).as(replica.output()).isEqualTo(2);
      assertThat(replica.output())
          .contains("is misconfigured")
          .contains("wsrep_OSU_method is RSU")
          .contains("default_storage_engine is MyISAM");
    } finally {
      cluster.sql(
          3, "SET GLOBAL wsrep_OSU_method = 'TOI'", "SET GLOBAL default_storage_engine = 'InnoDB'");
    }
  }

  // ---- helpers ----

  private static final long MONTHLY_FEN = 6_000;

  /** A tenant with prepaid instances, and its stubs on each replica (index 0..3). */
  private record Tenant(
      String accountId, String apiKey, List<String> instanceIds, List<ManagedChannel> channels) {
    RenewalServiceBlockingStub on(int replica) {
      return RenewalServiceGrpc.newBlockingStub(channels.get(replica))
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(FaultWorkload.bearer(apiKey)))
          .withDeadlineAfter(30, TimeUnit.SECONDS);
    }
  }

  private Tenant tenant(long fen, int instances) {
    AdminServiceGrpc.AdminServiceBlockingStub admin =
        AdminServiceGrpc.newBlockingStub(channels.get(0))
            .withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(
                    FaultWorkload.bearer(FaultProfile.ADMIN_KEY)));
    CreateAccountResponse created =
        admin.createAccount(
            CreateAccountRequest.newBuilder()
                .setDisplayName("galera")
                .setBillingTimeZone("Asia/Shanghai")
                .setInitialBalance(FaultWorkload.money(fen))
                .build());
    List<String> ids =
        admin
            .createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(created.getAccount().getAccountId())
                    .setInstanceType(FaultWorkload.INSTANCE_TYPE)
                    .setChargeType(Instance.ChargeType.PREPAID)
                    .setBandwidthMbps(1)
                    .setCount(instances)
                    .setPeriodMonths(1)
                    .build())
            .getInstancesList()
            .stream()
            .map(Instance::getInstanceId)
            .toList();
    return new Tenant(created.getAccount().getAccountId(), created.getApiKey(), ids, channels);
  }

  /** The test's own reads wait for the node to catch up too (causal reads), like the server's. */
  private String causalUrl(int node) {
    return cluster.nodeUrl(node, database) + "?sessionVariables=wsrep_sync_wait=1";
  }

  private Connection jdbc(int node) throws Exception {
    return DriverManager.getConnection(causalUrl(node), "root", "");
  }

  private long count(String sql, String arg) throws Exception {
    try (Connection c = jdbc(2);
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
