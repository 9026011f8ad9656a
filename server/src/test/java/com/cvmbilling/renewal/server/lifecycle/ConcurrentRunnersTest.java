package com.cvmbilling.renewal.server.lifecycle;

import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.BillingCalendar;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.service.LifecycleService;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three replicas (separate injectors and pools) run the lifecycle job at the same instant over one
 * MariaDB database with 10,000 due instances: every due step is done exactly once, money and ledger
 * agree, and the per-cycle charge key, the events and the billing records all match.
 */
@Tier.MariaDb
class ConcurrentRunnersTest {
  private static final Logger log = LoggerFactory.getLogger(ConcurrentRunnersTest.class);

  static final Instant NOW = Instant.parse("2027-03-10T04:00:00Z");
  static final long PRICE = 6_000; // S5.SMALL2 + 1 Mbps, one month
  static final int ACCOUNTS = 50;
  static final long RICH_LEFTOVER = 1_234;
  static final long POOR_LEFTOVER = PRICE - 1;
  static final int POOR_AFFORDS = 30;

  enum Kind {
    /** Auto-renew, inside the window (expiry in 12 h): the 1-day reminder, then an attempt. */
    AUTO_WINDOW(40),
    /** Auto-renew, expired an hour ago: the last attempt, else AUTO_RENEW_FAILED and isolation. */
    AUTO_EXPIRED(40),
    /** Manual renew, expired two hours ago: isolation. */
    MANUAL_EXPIRED(40),
    /** Isolated eight days ago: release. */
    ISOLATED_OLD(40),
    /** Manual renew, expiring in 2.5 days: the 3-day reminder (the missed 7-day one is skipped). */
    REMIND(30),
    /** DISABLE_NOTIFY, expiring in 2.5 days: nothing due now. */
    QUIET(10);

    final int perAccount;

    Kind(int perAccount) {
      this.perAccount = perAccount;
    }
  }

  record Spec(String id, String accountId, ZoneId zone, Kind kind, Instant expiry, boolean rich) {}

  @Test
  void threeReplicasProcessEveryDueStepExactlyOnce() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb();
        TestServer first =
            new TestServer(LifecycleFixtures.config(db.settings()).build(), new TestClock(NOW))) {
      // Accounts: half can pay every auto-renewal, half only POOR_AFFORDS of their 80.
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
        TestAccount acct = first.createAccount(balance, zone.getId());
        initial.put(acct.accountId(), balance);
        richAccounts.put(acct.accountId(), rich);
        for (Kind kind : Kind.values()) {
          for (int k = 0; k < kind.perAccount; k++) {
            String id = LifecycleFixtures.instanceId("c", n++);
            Spec s = spec(id, acct.accountId(), zone, kind, rich);
            specs.add(s);
            rows.add(row(s));
          }
        }
      }
      assertThat(specs).hasSize(10_000);
      long t0 = System.nanoTime();
      LifecycleFixtures.insertInstances(first, rows);
      log.info("inserted {} instances in {} ms", rows.size(), (System.nanoTime() - t0) / 1_000_000);

      try (TestServer second =
              new TestServer(LifecycleFixtures.config(db.settings()).build(), new TestClock(NOW));
          TestServer third =
              new TestServer(LifecycleFixtures.config(db.settings()).build(), new TestClock(NOW))) {
        List<LifecycleService> runners =
            List.of(
                LifecycleFixtures.lifecycle(first),
                LifecycleFixtures.lifecycle(second),
                LifecycleFixtures.lifecycle(third));
        CyclicBarrier start = new CyclicBarrier(runners.size());
        ExecutorService pool = Executors.newFixedThreadPool(runners.size());
        List<Future<Integer>> results = new ArrayList<>();
        t0 = System.nanoTime();
        for (LifecycleService runner : runners) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return runner.runDue(NOW);
                  }));
        }
        List<Integer> steps = new ArrayList<>();
        for (Future<Integer> f : results) {
          steps.add(f.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        log.info("three runners: steps {} in {} ms", steps, (System.nanoTime() - t0) / 1_000_000);

        // Steps: remind + attempt (AUTO_WINDOW), one each for the other due kinds, none for QUIET.
        int perAccount =
            2 * Kind.AUTO_WINDOW.perAccount
                + Kind.AUTO_EXPIRED.perAccount
                + Kind.MANUAL_EXPIRED.perAccount
                + Kind.ISOLATED_OLD.perAccount
                + Kind.REMIND.perAccount;
        assertThat(steps.stream().mapToInt(Integer::intValue).sum())
            .isEqualTo(ACCOUNTS * perAccount);
        assertThat(steps.stream().filter(s -> s > 0).count())
            .as("runners that got work: %s", steps)
            .isGreaterThanOrEqualTo(2);
        // Nothing is left due at NOW, for any replica.
        for (LifecycleService runner : runners) {
          assertThat(runner.runDue(NOW)).isZero();
        }
      }

      verify(LifecycleFixtures.dataSource(first), specs, initial, richAccounts);
    }
  }

  /**
   * Two replicas sweep 2,000 expired instances while two tenants renew random batches of them:
   * every instance ends with expiry = old expiry + (RENEWED + AUTO_RENEWED) months, isolation
   * happens only before any renewal, no API call fails, and the ledgers add up.
   */
  @Test
  void runnersAndTenantRenewalsAtTheSameTime() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb();
        TestServer first =
            new TestServer(
                LifecycleFixtures.config(db.settings()).lifecycleBatchSize(50).build(),
                new TestClock(NOW));
        TestServer second =
            new TestServer(
                LifecycleFixtures.config(db.settings()).lifecycleBatchSize(50).build(),
                new TestClock(NOW))) {
      ZoneId zone = ZoneId.of("Asia/Shanghai");
      List<TestAccount> accounts = new ArrayList<>();
      Map<String, List<String>> idsOf = new HashMap<>();
      Map<String, Instant> expiryOf = new HashMap<>();
      List<Instance> rows = new ArrayList<>();
      int n = 0;
      for (int a = 0; a < 10; a++) {
        TestAccount acct = first.createAccount(100_000_000);
        accounts.add(acct);
        for (int k = 0; k < 200; k++) {
          boolean auto = k % 2 == 0;
          Instant expiry = NOW.minus(Duration.ofMinutes(auto ? 60 : 120));
          String id = LifecycleFixtures.instanceId("r", n++);
          rows.add(
              LifecycleFixtures.prepaid(
                  id,
                  acct.accountId(),
                  InstanceState.RUNNING,
                  expiry,
                  BillingCalendar.anchorDayOf(expiry, zone),
                  null,
                  auto ? RenewFlag.NOTIFY_AND_AUTO_RENEW : RenewFlag.NOTIFY_AND_MANUAL_RENEW,
                  NOW.minus(Duration.ofDays(40))));
          idsOf.computeIfAbsent(acct.accountId(), x -> new ArrayList<>()).add(id);
          expiryOf.put(id, expiry);
        }
      }
      LifecycleFixtures.insertInstances(first, rows);

      ExecutorService pool = Executors.newFixedThreadPool(4);
      CyclicBarrier start = new CyclicBarrier(4);
      List<Future<Integer>> runs = new ArrayList<>();
      for (TestServer s : List.of(first, second)) {
        LifecycleService runner = LifecycleFixtures.lifecycle(s);
        runs.add(
            pool.submit(
                () -> {
                  start.await();
                  return runner.runDue(NOW);
                }));
      }
      List<Future<Integer>> tenants = new ArrayList<>();
      for (TestServer s : List.of(first, second)) {
        java.util.Random random = new java.util.Random(s == first ? 7 : 8);
        tenants.add(
            pool.submit(
                () -> {
                  start.await();
                  int calls = 0;
                  while (calls < 150) {
                    TestAccount acct = accounts.get(random.nextInt(accounts.size()));
                    List<String> ids = new ArrayList<>(idsOf.get(acct.accountId()));
                    java.util.Collections.shuffle(ids, random);
                    s.tenant(acct)
                        .renewInstances(
                            com.cvmbilling.renewal.v1.RenewInstancesRequest.newBuilder()
                                .addAllInstanceIds(ids.subList(0, 5))
                                .setPeriodMonths(1)
                                .build());
                    calls++;
                  }
                  return calls;
                }));
      }
      int steps = 0;
      for (Future<Integer> f : runs) {
        steps += f.get(120, TimeUnit.SECONDS);
      }
      int calls = 0;
      for (Future<Integer> f : tenants) {
        calls += f.get(120, TimeUnit.SECONDS); // any failed call fails the test here
      }
      pool.shutdown();
      log.info("runners and tenants: {} lifecycle steps, {} renewal calls", steps, calls);
      assertThat(calls).isEqualTo(300);

      DataSource ds = LifecycleFixtures.dataSource(first);
      Map<String, List<String>> eventsOf = new HashMap<>();
      query(
              ds,
              "SELECT instance_id, event_type FROM instance_event ORDER BY event_id",
              rs -> Map.entry(rs.getString(1), rs.getString(2)))
          .forEach(
              e -> eventsOf.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
      Map<String, Map.Entry<String, Long>> rowsNow = new HashMap<>();
      query(
              ds,
              "SELECT instance_id, state, expired_time_ms FROM instance",
              rs -> Map.entry(rs.getString(1), Map.entry(rs.getString(2), rs.getLong(3))))
          .forEach(e -> rowsNow.put(e.getKey(), e.getValue()));
      int lifecycleEvents = 0;
      int autoRenewed = 0;
      int renewedEvents = 0;
      for (Instance row : rows) {
        List<String> got = eventsOf.getOrDefault(row.instanceId(), List.of());
        String context =
            row.instanceId()
                + " "
                + row.renewFlag()
                + " "
                + got
                + " "
                + rowsNow.get(row.instanceId());
        long renewals =
            got.stream().filter(t -> t.equals("RENEWED") || t.equals("AUTO_RENEWED")).count();
        long isolations = got.stream().filter(t -> t.equals("ISOLATED")).count();
        assertThat(got)
            .as(context)
            .isNotEmpty()
            .allMatch(t -> List.of("RENEWED", "AUTO_RENEWED", "ISOLATED").contains(t));
        assertThat(got.stream().filter(t -> t.equals("AUTO_RENEWED")).count())
            .as(context)
            .isLessThanOrEqualTo(1);
        assertThat(isolations).as(context).isLessThanOrEqualTo(1);
        if (isolations == 1) {
          assertThat(got.get(0)).as(context).isEqualTo("ISOLATED");
        }
        if (row.renewFlag() == RenewFlag.NOTIFY_AND_AUTO_RENEW) {
          assertThat(isolations).as(context).isZero();
        } else {
          assertThat(got).as(context).doesNotContain("AUTO_RENEWED");
        }
        Instant expected =
            BillingCalendar.addMonths(
                expiryOf.get(row.instanceId()), (int) renewals, row.expiryAnchorDay(), zone);
        assertThat(rowsNow.get(row.instanceId()).getValue())
            .as(context)
            .isEqualTo(expected.toEpochMilli());
        assertThat(rowsNow.get(row.instanceId()).getKey())
            .as(context)
            .isEqualTo(renewals > 0 ? "RUNNING" : "ISOLATED");
        lifecycleEvents += (int) isolations + (got.contains("AUTO_RENEWED") ? 1 : 0);
        autoRenewed += got.contains("AUTO_RENEWED") ? 1 : 0;
        renewedEvents += (int) got.stream().filter(t -> t.equals("RENEWED")).count();
      }
      assertThat(steps).isEqualTo(lifecycleEvents);
      assertThat(renewedEvents).isEqualTo(calls * 5);
      assertThat(LifecycleFixtures.count(ds, "SELECT COUNT(*) FROM auto_renew_charge"))
          .isEqualTo(autoRenewed);
      assertThat(
              LifecycleFixtures.count(
                  ds, "SELECT COUNT(*) FROM billing_record WHERE record_type = 'AUTO_RENEW'"))
          .isEqualTo(autoRenewed);
      assertThat(
              LifecycleFixtures.count(
                  ds, "SELECT COUNT(*) FROM billing_record WHERE record_type = 'RENEW'"))
          .isEqualTo(calls);
      long spent =
          -LifecycleFixtures.count(
              ds,
              "SELECT COALESCE(SUM(amount_fen), 0) FROM billing_record WHERE record_type <> 'TOP_UP'");
      assertThat(spent).isEqualTo((autoRenewed + renewedEvents) * PRICE);
      assertThat(LifecycleFixtures.count(ds, "SELECT SUM(balance_fen) FROM account"))
          .isEqualTo(10 * 100_000_000L - spent);
    }
  }

  static Spec spec(String id, String accountId, ZoneId zone, Kind kind, boolean rich) {
    Instant expiry =
        switch (kind) {
          case AUTO_WINDOW -> NOW.plus(Duration.ofHours(12));
          case AUTO_EXPIRED -> NOW.minus(Duration.ofHours(1));
          case MANUAL_EXPIRED -> NOW.minus(Duration.ofHours(2));
          case ISOLATED_OLD -> NOW.minus(Duration.ofDays(10));
          case REMIND, QUIET -> NOW.plus(Duration.ofHours(60));
        };
    return new Spec(id, accountId, zone, kind, expiry, rich);
  }

  static Instance row(Spec s) {
    RenewFlag flag =
        switch (s.kind()) {
          case AUTO_WINDOW, AUTO_EXPIRED -> RenewFlag.NOTIFY_AND_AUTO_RENEW;
          case QUIET -> RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW;
          default -> RenewFlag.NOTIFY_AND_MANUAL_RENEW;
        };
    InstanceState state =
        s.kind() == Kind.ISOLATED_OLD ? InstanceState.ISOLATED : InstanceState.RUNNING;
    Instant isolated = s.kind() == Kind.ISOLATED_OLD ? NOW.minus(Duration.ofDays(8)) : null;
    return LifecycleFixtures.prepaid(
        s.id(),
        s.accountId(),
        state,
        s.expiry(),
        BillingCalendar.anchorDayOf(s.expiry(), s.zone()),
        isolated,
        flag,
        NOW.minus(Duration.ofDays(40)));
  }

  record EventRow(
      long eventId,
      String accountId,
      String instanceId,
      String type,
      int daysBefore,
      String orderId,
      long occurred,
      Long expiry) {}

  record InstanceRow(
      String id,
      String state,
      long expiry,
      Long isolated,
      Long released,
      Long nextDue,
      Integer remindedDays) {}

  record RecordRow(
      long recordId,
      String accountId,
      String orderId,
      String type,
      long amount,
      long balanceAfter,
      String instanceIds) {}

  record ChargeRow(String instanceId, long oldExpiry, String orderId) {}

  static void verify(
      DataSource ds, List<Spec> specs, Map<String, Long> initial, Map<String, Boolean> rich) {
    List<EventRow> events =
        query(
            ds,
            "SELECT event_id, account_id, instance_id, event_type, days_before, order_id, occurred_time_ms, expired_time_ms"
                + " FROM instance_event ORDER BY event_id",
            rs ->
                new EventRow(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getInt(5),
                    rs.getString(6),
                    rs.getLong(7),
                    (Long) rs.getObject(8, Long.class)));
    Map<String, List<EventRow>> eventsOf = new HashMap<>();
    events.forEach(e -> eventsOf.computeIfAbsent(e.instanceId(), k -> new ArrayList<>()).add(e));
    Map<String, InstanceRow> instances = new HashMap<>();
    query(
            ds,
            "SELECT instance_id, state, expired_time_ms, isolated_time_ms, released_time_ms, next_due_ms,"
                + " reminded_days_before FROM instance",
            rs ->
                new InstanceRow(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getLong(3),
                    rs.getObject(4, Long.class),
                    rs.getObject(5, Long.class),
                    rs.getObject(6, Long.class),
                    rs.getObject(7, Integer.class)))
        .forEach(r -> instances.put(r.id(), r));
    List<RecordRow> records =
        query(
            ds,
            "SELECT record_id, account_id, order_id, record_type, amount_fen, balance_after_fen, instance_ids"
                + " FROM billing_record ORDER BY record_id",
            rs ->
                new RecordRow(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getLong(5),
                    rs.getLong(6),
                    rs.getString(7)));
    Map<String, ChargeRow> charges = new HashMap<>();
    query(
            ds,
            "SELECT instance_id, old_expired_time_ms, order_id FROM auto_renew_charge",
            rs -> new ChargeRow(rs.getString(1), rs.getLong(2), rs.getString(3)))
        .forEach(
            c ->
                assertThat(charges.put(c.instanceId(), c))
                    .as("second charge of " + c.instanceId())
                    .isNull());
    Map<String, RecordRow> autoRecordByOrder = new HashMap<>();
    records.stream()
        .filter(r -> r.type().equals("AUTO_RENEW"))
        .forEach(
            r ->
                assertThat(autoRecordByOrder.put(r.orderId(), r))
                    .as("order " + r.orderId())
                    .isNull());
    Map<String, Long> balances = new HashMap<>();
    query(
            ds,
            "SELECT account_id, balance_fen FROM account",
            rs -> Map.entry(rs.getString(1), rs.getLong(2)))
        .forEach(e -> balances.put(e.getKey(), e.getValue()));

    long retryAt =
        NOW.plus(Duration.ofSeconds(60))
            .toEpochMilli(); // retry interval = lifecycle interval (60 s)
    long releaseAt = NOW.plus(Duration.ofDays(7)).toEpochMilli();
    Map<String, Integer> renewedPerAccount = new HashMap<>();
    int autoRenewedEvents = 0;
    for (Spec s : specs) {
      List<String> got =
          eventsOf.getOrDefault(s.id(), List.of()).stream()
              .map(e -> e.type() + (e.type().equals("REMINDER") ? " " + e.daysBefore() : ""))
              .toList();
      InstanceRow row = instances.get(s.id());
      String context = s + " events " + got + " row " + row;
      Instant renewedTo =
          BillingCalendar.addMonths(
              s.expiry(), 1, BillingCalendar.anchorDayOf(s.expiry(), s.zone()), s.zone());
      boolean renewed = got.contains("AUTO_RENEWED");
      switch (s.kind()) {
        case AUTO_WINDOW -> {
          assertThat(got)
              .as(context)
              .isIn(List.of("REMINDER 1", "AUTO_RENEWED"), List.of("REMINDER 1"));
          assertThat(row.state()).as(context).isEqualTo("RUNNING");
          if (renewed) {
            assertThat(row.expiry()).as(context).isEqualTo(renewedTo.toEpochMilli());
            assertThat(row.nextDue())
                .as(context)
                .isEqualTo(LifecycleSchedule.reminderTime(renewedTo, 7, s.zone()).toEpochMilli());
          } else {
            assertThat(s.rich()).as(context).isFalse();
            assertThat(row.expiry()).as(context).isEqualTo(s.expiry().toEpochMilli());
            assertThat(row.nextDue()).as(context).isEqualTo(retryAt);
          }
        }
        case AUTO_EXPIRED -> {
          assertThat(got)
              .as(context)
              .isIn(List.of("AUTO_RENEWED"), List.of("AUTO_RENEW_FAILED", "ISOLATED"));
          if (renewed) {
            assertThat(row.state()).as(context).isEqualTo("RUNNING");
            assertThat(row.expiry()).as(context).isEqualTo(renewedTo.toEpochMilli());
          } else {
            assertThat(s.rich()).as(context).isFalse();
            assertThat(row.state()).as(context).isEqualTo("ISOLATED");
            assertThat(row.isolated()).as(context).isEqualTo(NOW.toEpochMilli());
            assertThat(row.nextDue()).as(context).isEqualTo(releaseAt);
          }
        }
        case MANUAL_EXPIRED -> {
          assertThat(got).as(context).containsExactly("ISOLATED");
          assertThat(row.state()).as(context).isEqualTo("ISOLATED");
          assertThat(row.isolated()).as(context).isEqualTo(NOW.toEpochMilli());
          assertThat(row.nextDue()).as(context).isEqualTo(releaseAt);
        }
        case ISOLATED_OLD -> {
          assertThat(got).as(context).containsExactly("RELEASED");
          assertThat(row.state()).as(context).isEqualTo("RELEASED");
          assertThat(row.released()).as(context).isEqualTo(NOW.toEpochMilli());
          assertThat(row.nextDue()).as(context).isNull();
        }
        case REMIND -> {
          assertThat(got).as(context).containsExactly("REMINDER 3");
          assertThat(row.remindedDays()).as(context).isEqualTo(3);
          assertThat(row.nextDue())
              .as(context)
              .isEqualTo(LifecycleSchedule.reminderTime(s.expiry(), 1, s.zone()).toEpochMilli());
        }
        case QUIET -> {
          assertThat(got).as(context).isEmpty();
          assertThat(row.nextDue()).as(context).isEqualTo(s.expiry().toEpochMilli());
        }
      }
      if (renewed) {
        autoRenewedEvents++;
        renewedPerAccount.merge(s.accountId(), 1, Integer::sum);
        EventRow e =
            eventsOf.get(s.id()).stream()
                .filter(x -> x.type().equals("AUTO_RENEWED"))
                .findFirst()
                .orElseThrow();
        assertThat(e.expiry()).as(context).isEqualTo(renewedTo.toEpochMilli());
        ChargeRow charge = charges.get(s.id());
        assertThat(charge).as(context).isNotNull();
        assertThat(charge.orderId()).as(context).isEqualTo(e.orderId());
        assertThat(charge.oldExpiry()).as(context).isEqualTo(s.expiry().toEpochMilli());
        RecordRow record = autoRecordByOrder.get(e.orderId());
        assertThat(record).as(context).isNotNull();
        assertThat(record.amount()).isEqualTo(-PRICE);
        assertThat(record.instanceIds()).isEqualTo(s.id());
        assertThat(record.accountId()).isEqualTo(s.accountId());
      } else {
        assertThat(charges).as(context).doesNotContainKey(s.id());
      }
      assertThat(eventsOf.getOrDefault(s.id(), List.of()))
          .as(context)
          .allSatisfy(e -> assertThat(e.occurred()).isEqualTo(NOW.toEpochMilli()));
    }
    assertThat(charges).hasSize(autoRenewedEvents);
    assertThat(autoRecordByOrder).hasSize(autoRenewedEvents);
    assertThat(autoRenewedEvents).isEqualTo(ACCOUNTS / 2 * 80 + ACCOUNTS / 2 * POOR_AFFORDS);

    // Money: each account's ledger explains its balance, which never went below zero.
    Map<String, Long> running = new HashMap<>(initial);
    for (RecordRow r : records) {
      if (r.type().equals("TOP_UP")) {
        continue; // the initial balance
      }
      long after = running.merge(r.accountId(), r.amount(), Long::sum);
      assertThat(after).as("balance after %s", r).isNotNegative().isEqualTo(r.balanceAfter());
    }
    for (Map.Entry<String, Long> e : initial.entrySet()) {
      String account = e.getKey();
      assertThat(balances.get(account)).as(account).isEqualTo(running.get(account));
      boolean isRich = rich.get(account);
      assertThat(renewedPerAccount.get(account)).as(account).isEqualTo(isRich ? 80 : POOR_AFFORDS);
      assertThat(balances.get(account))
          .as(account)
          .isEqualTo(isRich ? RICH_LEFTOVER : POOR_LEFTOVER);
    }
  }
}
