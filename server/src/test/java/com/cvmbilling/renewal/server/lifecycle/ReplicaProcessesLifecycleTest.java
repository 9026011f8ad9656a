package com.cvmbilling.renewal.server.lifecycle;

import static com.cvmbilling.renewal.server.lifecycle.ConcurrentRunnersTest.ACCOUNTS;
import static com.cvmbilling.renewal.server.lifecycle.ConcurrentRunnersTest.NOW;
import static com.cvmbilling.renewal.server.lifecycle.ConcurrentRunnersTest.POOR_AFFORDS;
import static com.cvmbilling.renewal.server.lifecycle.ConcurrentRunnersTest.POOR_LEFTOVER;
import static com.cvmbilling.renewal.server.lifecycle.ConcurrentRunnersTest.PRICE;
import static com.cvmbilling.renewal.server.lifecycle.ConcurrentRunnersTest.RICH_LEFTOVER;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.lifecycle.ConcurrentRunnersTest.Kind;
import com.cvmbilling.renewal.server.lifecycle.ConcurrentRunnersTest.Spec;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault suite's "three replicas, one lifecycle, exactly once", with real server processes:
 * {@link ConcurrentRunnersTest} proves it for three replicas in one JVM (separate Guice graphs and
 * pools); here three {@code Main} processes (-Xmx256m, test clock frozen at the same instant, job
 * every 500 ms) are running when the same 10,000 due instances appear in one commit, and the same
 * verification ({@link ConcurrentRunnersTest#verify}) runs on the result. The steps the three
 * processes report in their logs add up to exactly the due steps, and at least two of them got
 * work.
 */
@Tier.Process
@Tier.Network
@Tier.MariaDb
class ReplicaProcessesLifecycleTest {
  private static final Logger log = LoggerFactory.getLogger(ReplicaProcessesLifecycleTest.class);
  private static final Pattern STEPS = Pattern.compile("lifecycle job: (\\d+) steps");

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void threeServerProcessesProcessEveryDueStepExactlyOnce() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb()) {
      String url = db.settings().url();
      threeProcessesProcessEveryDueStepOnce(
          db.settings(),
          List.of(url, url, url),
          Map.of(
              "RENEWAL_DB_USER",
              TestDatabases.mariaDbUser(),
              "RENEWAL_DB_PASSWORD",
              TestDatabases.mariaDbPassword()));
    }
  }

  /**
   * Seeds the due instances through {@code seedDb} and has three server processes, one per URL of
   * {@code replicaUrls}, process them; then verifies every step happened once.
   */
  static void threeProcessesProcessEveryDueStepOnce(
      com.cvmbilling.renewal.server.persistence.DatabaseSettings seedDb,
      List<String> replicaUrls,
      Map<String, String> env)
      throws Exception {
    try (TestServer seed =
        new TestServer(LifecycleFixtures.config(seedDb).build(), new TestClock(NOW))) {
      // The data of ConcurrentRunnersTest: 50 accounts x 200 instances of six kinds.
      int autos = Kind.AUTO_WINDOW.perAccount + Kind.AUTO_EXPIRED.perAccount;
      List<Spec> specs = new ArrayList<>();
      List<Instance> rows = new ArrayList<>();
      Map<String, Long> initial = new HashMap<>();
      Map<String, Boolean> richAccounts = new HashMap<>();
      int n = 0;
      for (int a = 0; a < ACCOUNTS; a++) {
        boolean rich = a % 2 == 0;
        ZoneId zone = ZoneId.of(a % 3 == 0 ? "UTC" : "Asia/Shanghai");
        long balance = rich ? autos * PRICE + RICH_LEFTOVER : POOR_AFFORDS * PRICE + POOR_LEFTOVER;
        TestAccount acct = seed.createAccount(balance, zone.getId());
        initial.put(acct.accountId(), balance);
        richAccounts.put(acct.accountId(), rich);
        for (Kind kind : Kind.values()) {
          for (int k = 0; k < kind.perAccount; k++) {
            Spec s =
                ConcurrentRunnersTest.spec(
                    LifecycleFixtures.instanceId("p", n++), acct.accountId(), zone, kind, rich);
            specs.add(s);
            rows.add(ConcurrentRunnersTest.row(s));
          }
        }
      }
      assertThat(specs).hasSize(10_000);
      int perAccount =
          2 * Kind.AUTO_WINDOW.perAccount
              + Kind.AUTO_EXPIRED.perAccount
              + Kind.MANUAL_EXPIRED.perAccount
              + Kind.ISOLATED_OLD.perAccount
              + Kind.REMIND.perAccount;
      long dueSteps = (long) ACCOUNTS * perAccount;

      java.util.function.Function<String, List<String>> args =
          url ->
              List.of(
                  "--port",
                  "0",
                  "--db-url",
                  url,
                  "--admin-key",
                  "lc-replica-admin",
                  "--test-clock=" + NOW,
                  "--lifecycle-interval",
                  "500ms",
                  "--auto-renew-retry-interval",
                  "60s",
                  "--lifecycle-batch-size",
                  "100");
      ExecutorService starter = Executors.newFixedThreadPool(3);
      List<Future<ServerProcess>> starting = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        String name = "lc-replica-" + r;
        List<String> replicaArgs = args.apply(replicaUrls.get(r));
        starting.add(
            starter.submit(() -> ServerProcess.start(name, List.of("-Xmx256m"), replicaArgs, env)));
      }
      List<ServerProcess> replicas = new ArrayList<>();
      try {
        for (Future<ServerProcess> f : starting) {
          replicas.add(f.get(2, TimeUnit.MINUTES));
        }
        starter.shutdown();
        // All three are running their job (on an empty schedule); the work appears in one commit.
        long t0 = System.nanoTime();
        LifecycleFixtures.insertInstances(seed, rows);
        DataSource ds = LifecycleFixtures.dataSource(seed);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        List<Long> steps;
        do {
          Thread.sleep(200);
          steps = replicas.stream().map(ReplicaProcessesLifecycleTest::steps).toList();
        } while (steps.stream().mapToLong(Long::longValue).sum() < dueSteps
            && System.nanoTime() < deadline);
        log.info(
            "three processes: steps {} ({} due) in {} ms",
            steps,
            dueSteps,
            (System.nanoTime() - t0) / 1_000_000);
        Thread.sleep(1_500); // a few more runs of each job: nothing more may happen
        steps = replicas.stream().map(ReplicaProcessesLifecycleTest::steps).toList();
        assertThat(steps.stream().mapToLong(Long::longValue).sum())
            .as("steps per process %s", steps)
            .isEqualTo(dueSteps);
        assertThat(steps.stream().filter(s -> s > 0).count())
            .as("processes that got work: %s", steps)
            .isGreaterThanOrEqualTo(2);
        assertThat(
                LifecycleFixtures.count(
                    ds, "SELECT COUNT(*) FROM instance WHERE next_due_ms <= ?", NOW.toEpochMilli()))
            .isZero();
        for (ServerProcess p : replicas) {
          assertThat(p.output()).doesNotContain("OutOfMemoryError", "lifecycle job run failed");
        }
      } finally {
        replicas.forEach(ServerProcess::close);
        starter.shutdownNow();
      }
      ConcurrentRunnersTest.verify(
          LifecycleFixtures.dataSource(seed), specs, initial, richAccounts);
    }
  }

  /**
   * The steps a process has logged ("lifecycle job: N steps" after each run that did something).
   */
  static long steps(ServerProcess p) {
    Matcher m = STEPS.matcher(p.output());
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }
}
