package com.cvmbilling.renewal.server.lifecycle;

import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.at;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.balance;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.create;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.describe;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.events;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.eventsByInstance;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.cvmbilling.renewal.server.service.LifecycleService;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lifecycle job against a real database through the public API, driven by a TestClock and
 * {@link LifecycleService#advanceTo} (what AdvanceTime does): events, charges, states, times.
 */
@Tier.H2
@Tier.MariaDb
class LifecycleBehaviourTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final Duration DAY = Duration.ofDays(1);

  /** S5.SMALL2 (50.00) + 1 Mbps (10.00). */
  static final long SMALL_1MBPS = 6_000;

  static Instant local(String dateTime) {
    return LocalDateTime.parse(dateTime).atZone(SHANGHAI).toInstant();
  }

  /** Retries hourly (the retry interval is the lifecycle interval) to keep the step count small. */
  static TestServer server(TestDatabases.TestDatabase db, TestClock clock) {
    return new TestServer(
        LifecycleFixtures.config(db.settings()).lifecycleInterval(Duration.ofHours(1)).build(),
        clock);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void unpaidAutoRenewFailsAndIsolatesThenAManualRenewalCountsFromTheOldExpiryAndRetentionReleases(
      Kind kind) {
    Instant expiry = local("2027-01-20T00:00");
    TestClock clock = new TestClock(Instant.parse("2027-01-10T00:00:00Z"));
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer server = server(db, clock)) {
      LifecycleService lifecycle = LifecycleFixtures.lifecycle(server);
      TestAccount acct = server.createAccount(1_000); // 10.00: less than one month
      RenewalServiceBlockingStub tenant = server.tenant(acct);
      List<Instance> auto =
          create(server, acct, "S5.SMALL2", 1, RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, 2, expiry);
      String x = auto.get(0).getInstanceId();
      String y = auto.get(1).getInstanceId();
      String quiet =
          create(
                  server,
                  acct,
                  "S5.SMALL2",
                  1,
                  RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW,
                  1,
                  1,
                  expiry)
              .get(0)
              .getInstanceId();

      lifecycle.advanceTo(clock, expiry.plus(Duration.ofHours(1)));

      Map<String, List<Event>> byInstance = eventsByInstance(events(tenant));
      for (String id : List.of(x, y)) {
        assertThat(byInstance.get(id))
            .as(id)
            .extracting(
                Event::getType,
                Event::getDaysBefore,
                e -> at(e.getOccurredTime()),
                e -> at(e.getExpiredTime()))
            .containsExactly(
                tuple(Event.Type.REMINDER, 7, local("2027-01-13T00:00"), expiry),
                tuple(Event.Type.REMINDER, 3, local("2027-01-17T00:00"), expiry),
                tuple(Event.Type.REMINDER, 1, local("2027-01-19T00:00"), expiry),
                tuple(Event.Type.AUTO_RENEW_FAILED, 0, expiry, expiry),
                tuple(Event.Type.ISOLATED, 0, expiry, expiry));
        assertThat(byInstance.get(id)).allSatisfy(e -> assertThat(e.getOrderId()).isEmpty());
        Instance now = describe(tenant, id);
        assertThat(now.getState()).isEqualTo(Instance.State.ISOLATED);
        assertThat(at(now.getIsolatedTime())).isEqualTo(expiry);
        assertThat(at(now.getExpiredTime())).isEqualTo(expiry);
      }
      assertThat(byInstance.get(quiet))
          .extracting(Event::getType, e -> at(e.getOccurredTime()))
          .containsExactly(tuple(Event.Type.ISOLATED, expiry));
      // Twenty-five failed attempts, and not a fen moved.
      assertThat(records(tenant))
          .extracting(BillingRecord::getType)
          .containsExactly(BillingRecord.Type.TOP_UP);
      assertThat(balance(tenant)).isEqualTo(1_000);
      assertThat(autoRenewCharges(server, x) + autoRenewCharges(server, y)).isZero();

      // Money arrives after isolation: an isolated instance is not auto-renewed, only a manual
      // renewal restores it.
      server
          .admin()
          .topUpBalance(
              TopUpBalanceRequest.newBuilder()
                  .setAccountId(acct.accountId())
                  .setAmount(TestServer.money(100_000))
                  .build());
      lifecycle.advanceTo(clock, expiry.plus(Duration.ofHours(3)));
      assertThat(describe(tenant, x).getState()).isEqualTo(Instance.State.ISOLATED);
      assertThat(events(tenant)).hasSize(11);

      RenewInstancesResponse renewed =
          tenant.renewInstances(
              RenewInstancesRequest.newBuilder().addInstanceIds(x).setPeriodMonths(1).build());
      assertThat(at(renewed.getRenewals(0).getOldExpiredTime())).isEqualTo(expiry);
      assertThat(at(renewed.getRenewals(0).getNewExpiredTime()))
          .isEqualTo(local("2027-02-20T00:00"));
      Instance restored = describe(tenant, x);
      assertThat(restored.getState()).isEqualTo(Instance.State.RUNNING);
      assertThat(at(restored.getExpiredTime())).isEqualTo(local("2027-02-20T00:00"));
      assertThat(restored.hasIsolatedTime()).isFalse();
      assertThat(balance(tenant)).isEqualTo(101_000 - SMALL_1MBPS);

      // Retention (7 days after isolation): y and the quiet one are released, exactly on time.
      lifecycle.advanceTo(clock, expiry.plus(Duration.ofDays(7)).minusMillis(1));
      assertThat(describe(tenant, y).getState()).isEqualTo(Instance.State.ISOLATED);
      lifecycle.advanceTo(clock, expiry.plus(Duration.ofDays(7)));
      for (String id : List.of(y, quiet)) {
        Instance gone = describe(tenant, id);
        assertThat(gone.getState()).as(id).isEqualTo(Instance.State.RELEASED);
        assertThat(at(gone.getReleasedTime())).isEqualTo(expiry.plus(Duration.ofDays(7)));
        List<Event> history = eventsByInstance(events(tenant)).get(id);
        Event last = history.get(history.size() - 1);
        assertThat(last.getType()).isEqualTo(Event.Type.RELEASED);
        assertThat(at(last.getOccurredTime())).isEqualTo(expiry.plus(Duration.ofDays(7)));
      }
      Errors.assertError(
          Status.Code.FAILED_PRECONDITION,
          "INSTANCE_RELEASED",
          () ->
              tenant.renewInstances(
                  RenewInstancesRequest.newBuilder().addInstanceIds(y).setPeriodMonths(1).build()));
      // All or nothing: x is not renewed either.
      Errors.assertError(
          Status.Code.FAILED_PRECONDITION,
          "INSTANCE_RELEASED",
          () ->
              tenant.renewInstances(
                  RenewInstancesRequest.newBuilder()
                      .addInstanceIds(x)
                      .addInstanceIds(y)
                      .setPeriodMonths(1)
                      .build()));
      assertThat(at(describe(tenant, x).getExpiredTime())).isEqualTo(local("2027-02-20T00:00"));

      // The renewed x (still NOTIFY_AND_AUTO_RENEW, now with money) auto-renews its next cycle;
      // the released ones never get another event.
      lifecycle.advanceTo(clock, local("2027-03-01T00:00"));
      List<Event> all = events(tenant);
      Map<String, List<Event>> after = eventsByInstance(all);
      assertThat(after.get(x).subList(5, after.get(x).size()))
          .extracting(
              Event::getType,
              Event::getDaysBefore,
              e -> at(e.getOccurredTime()),
              e -> at(e.getExpiredTime()))
          .containsExactly(
              tuple(
                  Event.Type.RENEWED,
                  0,
                  expiry.plus(Duration.ofHours(3)),
                  local("2027-02-20T00:00")),
              tuple(Event.Type.REMINDER, 7, local("2027-02-13T00:00"), local("2027-02-20T00:00")),
              tuple(Event.Type.REMINDER, 3, local("2027-02-17T00:00"), local("2027-02-20T00:00")),
              tuple(Event.Type.REMINDER, 1, local("2027-02-19T00:00"), local("2027-02-20T00:00")),
              tuple(
                  Event.Type.AUTO_RENEWED,
                  0,
                  local("2027-02-19T00:00"),
                  local("2027-03-20T00:00")));
      assertThat(after.get(y)).hasSize(6);
      assertThat(after.get(quiet)).hasSize(2);
      assertThat(balance(tenant)).isEqualTo(101_000 - 2 * SMALL_1MBPS);
      assertThat(all).extracting(Event::getEventId).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void autoRenewChargesOncePerCycleWithThePeriodFactorAndFollowsTheAnchorDay() {
    TestClock clock = new TestClock(Instant.parse("2027-01-20T00:00:00Z"));
    Instant jan31 = local("2027-01-31T00:00");
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TestServer server = server(db, clock)) {
      LifecycleService lifecycle = LifecycleFixtures.lifecycle(server);
      TestAccount acct = server.createAccount(1_000_000);
      RenewalServiceBlockingStub tenant = server.tenant(acct);
      // 100.00 + 5 x 10.00 = 150.00 a month, monthly.
      String monthly =
          create(server, acct, "S5.MEDIUM4", 5, RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, 1, jan31)
              .get(0)
              .getInstanceId();
      // 50.00 + 2 x 10.00 = 70.00 a month, yearly: 70.00 x 12 x 85% = 714.00.
      String yearly =
          create(server, acct, "S5.SMALL2", 2, RenewFlag.NOTIFY_AND_AUTO_RENEW, 12, 1, jan31)
              .get(0)
              .getInstanceId();

      long steps = lifecycle.advanceTo(clock, local("2027-04-01T00:00"));

      List<Event> all = events(tenant);
      Map<String, List<Event>> byInstance = eventsByInstance(all);
      List<Event> monthlyRenewals = ofType(byInstance.get(monthly), Event.Type.AUTO_RENEWED);
      assertThat(monthlyRenewals)
          .extracting(e -> at(e.getOccurredTime()), e -> at(e.getExpiredTime()))
          .containsExactly(
              tuple(local("2027-01-30T00:00"), local("2027-02-28T00:00")),
              tuple(local("2027-02-27T00:00"), local("2027-03-31T00:00")),
              tuple(local("2027-03-30T00:00"), local("2027-04-30T00:00")));
      List<Event> yearlyRenewals = ofType(byInstance.get(yearly), Event.Type.AUTO_RENEWED);
      assertThat(yearlyRenewals)
          .extracting(e -> at(e.getOccurredTime()), e -> at(e.getExpiredTime()))
          .containsExactly(tuple(local("2027-01-30T00:00"), local("2028-01-31T00:00")));
      assertThat(at(describe(tenant, monthly).getExpiredTime()))
          .isEqualTo(local("2027-04-30T00:00"));
      assertThat(at(describe(tenant, yearly).getExpiredTime()))
          .isEqualTo(local("2028-01-31T00:00"));

      // One AUTO_RENEW record per renewal, with the event's order id, the instance and the price.
      List<BillingRecord> autoRecords =
          records(tenant).stream()
              .filter(r -> r.getType() == BillingRecord.Type.AUTO_RENEW)
              .toList();
      assertThat(autoRecords).hasSize(4);
      Map<String, BillingRecord> byOrder =
          autoRecords.stream().collect(Collectors.toMap(BillingRecord::getOrderId, r -> r));
      for (Event e : monthlyRenewals) {
        BillingRecord r = byOrder.get(e.getOrderId());
        assertThat(r).as("record of order %s", e.getOrderId()).isNotNull();
        assertThat(TestServer.fen(r.getAmount())).isEqualTo(-15_000);
        assertThat(r.getInstanceIdsList()).containsExactly(monthly);
        assertThat(at(r.getCreatedTime())).isEqualTo(at(e.getOccurredTime()));
      }
      BillingRecord yearlyRecord = byOrder.get(yearlyRenewals.get(0).getOrderId());
      assertThat(TestServer.fen(yearlyRecord.getAmount())).isEqualTo(-71_400);
      assertThat(yearlyRecord.getInstanceIdsList()).containsExactly(yearly);
      // The ledger adds up.
      long running = 1_000_000;
      for (BillingRecord r : records(tenant)) {
        if (r.getType() != BillingRecord.Type.TOP_UP) {
          running += TestServer.fen(r.getAmount());
        }
        assertThat(TestServer.fen(r.getBalanceAfter())).isEqualTo(running);
      }
      assertThat(balance(tenant)).isEqualTo(1_000_000 - 3 * 15_000 - 71_400).isEqualTo(running);
      assertThat(autoRenewCharges(server, monthly)).isEqualTo(3);
      assertThat(autoRenewCharges(server, yearly)).isEqualTo(1);

      // Reminders: 7, 3 and 1 once each per cycle, at the local midnights.
      List<Event> reminders = ofType(all, Event.Type.REMINDER);
      assertThat(reminders)
          .extracting(Event::getInstanceId, e -> at(e.getExpiredTime()), Event::getDaysBefore)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrder(
              tuple(monthly, jan31, 7),
              tuple(monthly, jan31, 3),
              tuple(monthly, jan31, 1),
              tuple(monthly, local("2027-02-28T00:00"), 7),
              tuple(monthly, local("2027-02-28T00:00"), 3),
              tuple(monthly, local("2027-02-28T00:00"), 1),
              tuple(monthly, local("2027-03-31T00:00"), 7),
              tuple(monthly, local("2027-03-31T00:00"), 3),
              tuple(monthly, local("2027-03-31T00:00"), 1),
              tuple(yearly, jan31, 7),
              tuple(yearly, jan31, 3),
              tuple(yearly, jan31, 1));
      for (Event r : reminders) {
        assertThat(at(r.getOccurredTime()))
            .isEqualTo(at(r.getExpiredTime()).minus(DAY.multipliedBy(r.getDaysBefore())));
      }
      assertThat(steps).isEqualTo(reminders.size() + 4);

      // Nothing runs twice: a second pass over the same time does nothing.
      assertThat(lifecycle.runDue(clock.instant())).isZero();
      assertThat(lifecycle.advanceTo(clock, local("2027-04-01T00:00"))).isZero();
      assertThat(events(tenant)).hasSameSizeAs(all);
    }
  }

  @Test
  void
      anUnpaidAttemptIsSilentAndRetriedEachIntervalAndTurningAutoRenewOnInsideTheWindowRenewsAtOnce() {
    Instant expiry = local("2027-06-15T00:00");
    TestClock clock = new TestClock(expiry.minus(DAY.multipliedBy(2)));
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TestServer server = server(db, clock)) {
      LifecycleService lifecycle = LifecycleFixtures.lifecycle(server);
      TestAccount acct = server.createAccount(0);
      RenewalServiceBlockingStub tenant = server.tenant(acct);
      String auto =
          create(server, acct, "S5.SMALL2", 1, RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, 1, expiry)
              .get(0)
              .getInstanceId();
      String manual =
          create(server, acct, "S5.SMALL2", 1, RenewFlag.NOTIFY_AND_MANUAL_RENEW, 1, 1, expiry)
              .get(0)
              .getInstanceId();

      // Window opened 24 h before expiry; attempts at -24 h and -23 h failed, silently.
      lifecycle.advanceTo(clock, expiry.minus(Duration.ofHours(22)).minusSeconds(1));
      assertThat(ofType(eventsByInstance(events(tenant)).get(auto), Event.Type.REMINDER))
          .extracting(Event::getDaysBefore)
          .containsExactly(3, 1); // 3 was caught up at creation
      assertThat(eventsByInstance(events(tenant)).get(auto))
          .extracting(Event::getType)
          .doesNotContain(Event.Type.AUTO_RENEW_FAILED, Event.Type.AUTO_RENEWED);

      server
          .admin()
          .topUpBalance(
              TopUpBalanceRequest.newBuilder()
                  .setAccountId(acct.accountId())
                  .setAmount(TestServer.money(20_000))
                  .build());
      lifecycle.advanceTo(clock, expiry.minus(Duration.ofHours(12)));
      // A top-up makes the waiting auto-renewal due at once (not an interval later): it pays at the
      // top-up's instant, before the next hourly retry would have come.
      assertThat(ofType(eventsByInstance(events(tenant)).get(auto), Event.Type.AUTO_RENEWED))
          .extracting(e -> at(e.getOccurredTime()), e -> at(e.getExpiredTime()))
          .containsExactly(
              tuple(expiry.minus(Duration.ofHours(22)).minusSeconds(1), local("2027-07-15T00:00")));

      // Turning auto-renew on 12 h before expiry: evaluated at once, inside the window, renewed
      // now.
      tenant.setAutoRenew(
          SetAutoRenewRequest.newBuilder()
              .addInstanceIds(manual)
              .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
              .build());
      lifecycle.advanceTo(clock, expiry.minus(Duration.ofHours(12)).plusSeconds(1));
      assertThat(eventsByInstance(events(tenant)).get(manual))
          .extracting(Event::getType, e -> at(e.getOccurredTime()))
          .containsExactly(
              tuple(
                  Event.Type.REMINDER,
                  expiry.minus(DAY.multipliedBy(2))), // 3 days: caught up at creation
              tuple(Event.Type.REMINDER, expiry.minus(DAY)),
              tuple(Event.Type.RENEW_FLAG_CHANGED, expiry.minus(Duration.ofHours(12))),
              tuple(Event.Type.AUTO_RENEWED, expiry.minus(Duration.ofHours(12))));

      lifecycle.advanceTo(clock, expiry.plus(DAY));
      assertThat(events(tenant))
          .extracting(Event::getType)
          .doesNotContain(Event.Type.AUTO_RENEW_FAILED, Event.Type.ISOLATED);
      assertThat(balance(tenant)).isEqualTo(20_000 - 2 * SMALL_1MBPS);
      assertThat(autoRenewCharges(server, auto)).isEqualTo(1);
      assertThat(autoRenewCharges(server, manual)).isEqualTo(1);
    }
  }

  @Test
  void changingTheRenewFlagDoesNotRepeatRemindersAndATerminatedInstanceIsNotReleasedAgain() {
    Instant expiry = local("2027-08-31T00:00");
    TestClock clock = new TestClock(local("2027-08-20T00:00"));
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TestServer server = server(db, clock)) {
      LifecycleService lifecycle = LifecycleFixtures.lifecycle(server);
      TestAccount acct = server.createAccount(0);
      RenewalServiceBlockingStub tenant = server.tenant(acct);
      List<String> ids =
          create(server, acct, "S5.SMALL2", 1, RenewFlag.NOTIFY_AND_MANUAL_RENEW, 1, 2, expiry)
              .stream()
              .map(Instance::getInstanceId)
              .toList();
      String flipped = ids.get(0);
      String terminated = ids.get(1);

      lifecycle.advanceTo(
          clock, local("2027-08-25T00:00")); // the 7-day reminder went out on the 24th
      for (RenewFlag flag :
          List.of(RenewFlag.NOTIFY_AND_AUTO_RENEW, RenewFlag.NOTIFY_AND_MANUAL_RENEW)) {
        tenant.setAutoRenew(
            SetAutoRenewRequest.newBuilder().addInstanceIds(flipped).setRenewFlag(flag).build());
        lifecycle.advanceTo(clock, clock.instant().plusSeconds(60));
      }
      lifecycle.advanceTo(clock, expiry.plus(Duration.ofHours(1)));
      tenant.terminateInstances(
          com.cvmbilling.renewal.v1.TerminateInstancesRequest.newBuilder()
              .addInstanceIds(terminated)
              .build());
      lifecycle.advanceTo(clock, expiry.plus(Duration.ofDays(10)));

      Map<String, List<Event>> byInstance = eventsByInstance(events(tenant));
      assertThat(byInstance.get(flipped))
          .extracting(Event::getType, Event::getDaysBefore)
          .containsExactly(
              tuple(Event.Type.REMINDER, 7),
              tuple(Event.Type.RENEW_FLAG_CHANGED, 0),
              tuple(Event.Type.RENEW_FLAG_CHANGED, 0),
              tuple(Event.Type.REMINDER, 3),
              tuple(Event.Type.REMINDER, 1),
              tuple(Event.Type.ISOLATED, 0),
              tuple(Event.Type.RELEASED, 0));
      assertThat(byInstance.get(terminated))
          .extracting(Event::getType)
          .containsExactly(
              Event.Type.REMINDER,
              Event.Type.REMINDER,
              Event.Type.REMINDER,
              Event.Type.ISOLATED,
              Event.Type.TERMINATED);
      Instance gone = describe(tenant, terminated);
      assertThat(gone.getState()).isEqualTo(Instance.State.RELEASED);
      assertThat(at(gone.getReleasedTime())).isEqualTo(expiry.plus(Duration.ofHours(1)));
      assertThat(lifecycle.earliestDue()).isNull();
    }
  }

  /**
   * A step that throws (here: a type missing from the price catalog) must not hold up the rest of
   * its batch.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void oneInstanceWhoseStepFailsIsPutOffWithoutBlockingTheRestOfItsBatch(Kind kind) {
    Instant now = Instant.parse("2027-06-01T00:00:00Z");
    TestClock clock = new TestClock(now);
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer server = server(db, clock)) {
      LifecycleService lifecycle = LifecycleFixtures.lifecycle(server);
      TestAccount acct = server.createAccount(1_000_000);
      RenewalServiceBlockingStub tenant = server.tenant(acct);
      Instant expired = now.minus(Duration.ofHours(1));
      List<com.cvmbilling.renewal.server.domain.Instance> rows = new java.util.ArrayList<>();
      for (int n = 0; n < 10; n++) {
        rows.add(
            LifecycleFixtures.prepaid(
                LifecycleFixtures.instanceId("g", n),
                acct.accountId(),
                com.cvmbilling.renewal.server.domain.InstanceState.RUNNING,
                expired,
                1,
                null,
                com.cvmbilling.renewal.server.domain.RenewFlag.NOTIFY_AND_MANUAL_RENEW,
                now.minus(DAY.multipliedBy(31))));
      }
      String broken = LifecycleFixtures.instanceId("b", 0);
      rows.add(
          new com.cvmbilling.renewal.server.domain.Instance(
              broken,
              acct.accountId(),
              "GONE.TYPE",
              com.cvmbilling.renewal.server.domain.ChargeType.PREPAID,
              com.cvmbilling.renewal.server.domain.InstanceState.RUNNING,
              now.minus(DAY.multipliedBy(31)),
              expired,
              1,
              null,
              null,
              com.cvmbilling.renewal.server.domain.RenewFlag.NOTIFY_AND_AUTO_RENEW,
              1,
              1,
              1));
      LifecycleFixtures.insertInstances(server, rows);

      assertThat(lifecycle.runDue(now)).isEqualTo(10);

      Map<String, List<Event>> byInstance = eventsByInstance(events(tenant));
      for (int n = 0; n < 10; n++) {
        assertThat(byInstance.get(LifecycleFixtures.instanceId("g", n)))
            .extracting(Event::getType)
            .containsExactly(Event.Type.ISOLATED);
      }
      assertThat(byInstance).doesNotContainKey(broken);
      assertThat(describe(tenant, broken).getState()).isEqualTo(Instance.State.RUNNING);
      assertThat(balance(tenant)).isEqualTo(1_000_000);
      assertThat(autoRenewCharges(server, broken)).isZero();
      // Put off by one retry interval (1 h here), not retried in a tight loop.
      assertThat(lifecycle.earliestDue()).isEqualTo(now.plus(Duration.ofHours(1)));
    }
  }

  static List<Event> ofType(List<Event> events, Event.Type type) {
    return events.stream().filter(e -> e.getType() == type).toList();
  }

  static int autoRenewCharges(TestServer server, String instanceId) {
    return (int)
        LifecycleFixtures.count(
            LifecycleFixtures.dataSource(server),
            "SELECT COUNT(*) FROM auto_renew_charge WHERE instance_id = ?",
            instanceId);
  }
}
