package com.cvmbilling.renewal.server.lifecycle;

import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.at;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.balance;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.events;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.records;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.AdvanceTimeRequest;
import com.cvmbilling.renewal.v1.AdvanceTimeResponse;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.GetTimeRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc.TestClockServiceBlockingStub;
import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real server process with {@code --test-clock} on MariaDB, driven only over gRPC: a year of
 * monthly (and one yearly) auto-renewals in one AdvanceTime, checked against expiries computed here
 * by calendar months from each instance's anchor day; and TestClockService's access rules.
 */
@Tier.Process
@Tier.Network
@Tier.H2
@Tier.MariaDb
class TestClockEndToEndTest {
  static final String ADMIN = "e2e-admin-key";
  static final Instant START = Instant.parse("2027-01-15T00:00:00Z");
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final ZoneId UTC = ZoneId.of("UTC");
  static final java.time.Duration LEAD = java.time.Duration.ofHours(24);

  /** What one instance should have gone through by {@code until}. */
  record Expected(
      String id, ZoneId zone, Instant expiry, int renewals, long chargedFen, int reminders) {}

  @Test
  void aYearOfAutoRenewalsInOneAdvanceTime() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb();
        ServerProcess server =
            ServerProcess.start(
                "test-clock-e2e",
                List.of(
                    "--test-clock=" + START,
                    "--port",
                    "0",
                    "--db-url",
                    db.settings().url(),
                    "--db-pool-size",
                    "4",
                    "--admin-key",
                    ADMIN),
                Map.of(
                    "RENEWAL_DB_USER",
                    TestDatabases.mariaDbUser(),
                    "RENEWAL_DB_PASSWORD",
                    TestDatabases.mariaDbPassword()))) {
      ManagedChannel channel = server.channel();
      AdminServiceGrpc.AdminServiceBlockingStub admin =
          AdminServiceGrpc.newBlockingStub(channel)
              .withInterceptors(
                  MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(ADMIN)));
      TestClockServiceBlockingStub clock =
          TestClockServiceGrpc.newBlockingStub(channel)
              .withInterceptors(
                  MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(ADMIN)));
      assertThat(at(clock.getTime(GetTimeRequest.getDefaultInstance()).getNow())).isEqualTo(START);

      CreateAccountResponse shanghai =
          admin.createAccount(
              CreateAccountRequest.newBuilder()
                  .setDisplayName("shanghai")
                  .setBillingTimeZone("Asia/Shanghai")
                  .setInitialBalance(TestServer.money(1_000_000))
                  .build());
      CreateAccountResponse utc =
          admin.createAccount(
              CreateAccountRequest.newBuilder()
                  .setDisplayName("utc")
                  .setBillingTimeZone("UTC")
                  .setInitialBalance(TestServer.money(200_000))
                  .build());
      String sh = shanghai.getAccount().getAccountId();

      // Monthly from now (Jan 15 08:00 in Shanghai: anchor 15), 60.00 a month.
      List<Instance> fromNow =
          admin
              .createInstances(
                  base(sh, "S5.SMALL2", 1, RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, 3)
                      .setPeriodMonths(1)
                      .build())
              .getInstancesList();
      // Monthly from Jan 31 local midnight (anchor 31), 200.00 a month.
      List<Instance> monthEnd =
          admin
              .createInstances(
                  base(sh, "S5.MEDIUM4", 10, RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, 2)
                      .setExpiredTime(TestServer.timestamp(local("2027-01-31T00:00", SHANGHAI)))
                      .build())
              .getInstancesList();
      // Yearly (12 months at 85%) from Feb 28: 200.00 x 12 x 85% = 2040.00.
      List<Instance> yearly =
          admin
              .createInstances(
                  base(sh, "S5.LARGE8", 0, RenewFlag.NOTIFY_AND_AUTO_RENEW, 12, 1)
                      .setExpiredTime(TestServer.timestamp(local("2027-02-28T00:00", SHANGHAI)))
                      .build())
              .getInstancesList();
      // A UTC account, monthly from Jan 31 00:00 UTC, 80.00 a month.
      List<Instance> utcMonthEnd =
          admin
              .createInstances(
                  base(
                          utc.getAccount().getAccountId(),
                          "S5.SMALL2",
                          3,
                          RenewFlag.NOTIFY_AND_AUTO_RENEW,
                          1,
                          2)
                      .setExpiredTime(TestServer.timestamp(local("2027-01-31T00:00", UTC)))
                      .build())
              .getInstancesList();
      // A manual one: reminded, isolated at expiry, released 7 days later.
      Instance manual =
          admin
              .createInstances(
                  base(sh, "S5.SMALL2", 1, RenewFlag.NOTIFY_AND_MANUAL_RENEW, 1, 1)
                      .setExpiredTime(TestServer.timestamp(local("2027-03-01T00:00", SHANGHAI)))
                      .build())
              .getInstances(0);

      Instant until = START.plus(java.time.Duration.ofDays(365));
      List<Expected> expected = new ArrayList<>();
      fromNow.forEach(i -> expected.add(expect(i, SHANGHAI, 15, 1, 6_000, until)));
      monthEnd.forEach(i -> expected.add(expect(i, SHANGHAI, 31, 1, 20_000, until)));
      yearly.forEach(i -> expected.add(expect(i, SHANGHAI, 28, 12, 204_000, until)));
      utcMonthEnd.forEach(i -> expected.add(expect(i, UTC, 31, 1, 8_000, until)));
      assertThat(expected)
          .extracting(Expected::renewals)
          .containsExactly(12, 12, 12, 12, 12, 1, 12, 12);

      AdvanceTimeResponse advanced =
          clock
              .withDeadlineAfter(150, TimeUnit.SECONDS)
              .advanceTime(
                  AdvanceTimeRequest.newBuilder()
                      .setBy(Duration.newBuilder().setSeconds(365L * 86_400))
                      .build());

      assertThat(at(advanced.getNow())).isEqualTo(until);
      assertThat(at(clock.getTime(GetTimeRequest.getDefaultInstance()).getNow())).isEqualTo(until);
      int renewals = expected.stream().mapToInt(Expected::renewals).sum();
      int reminders = expected.stream().mapToInt(Expected::reminders).sum() + 3;
      assertThat(advanced.getStepsProcessed())
          .isEqualTo(renewals + reminders + 2); // + isolation, release

      Map<String, Expected> byId = new HashMap<>();
      expected.forEach(e -> byId.put(e.id(), e));
      long shanghaiCharged = 0;
      long utcCharged = 0;
      for (CreateAccountResponse account : List.of(shanghai, utc)) {
        RenewalServiceBlockingStub tenant =
            RenewalServiceGrpc.newBlockingStub(channel)
                .withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(
                        TestServer.bearer(account.getApiKey())));
        List<Event> events = events(tenant);
        List<BillingRecord> autoRecords =
            records(tenant).stream()
                .filter(r -> r.getType() == BillingRecord.Type.AUTO_RENEW)
                .toList();
        Map<String, Integer> renewedEvents = new HashMap<>();
        Map<String, Integer> reminderEvents = new HashMap<>();
        for (Event e : events) {
          if (e.getType() == Event.Type.AUTO_RENEWED) {
            renewedEvents.merge(e.getInstanceId(), 1, Integer::sum);
          } else if (e.getType() == Event.Type.REMINDER) {
            reminderEvents.merge(e.getInstanceId(), 1, Integer::sum);
          }
        }
        Map<String, Long> chargedPerInstance = new HashMap<>();
        for (BillingRecord r : autoRecords) {
          assertThat(r.getInstanceIdsList()).hasSize(1);
          chargedPerInstance.merge(r.getInstanceIds(0), -TestServer.fen(r.getAmount()), Long::sum);
        }
        List<Instance> instances =
            tenant
                .describeInstances(DescribeInstancesRequest.newBuilder().setPageSize(100).build())
                .getInstancesList();
        for (Instance i : instances) {
          if (i.getInstanceId().equals(manual.getInstanceId())) {
            assertThat(i.getState()).isEqualTo(Instance.State.RELEASED);
            assertThat(at(i.getReleasedTime())).isEqualTo(local("2027-03-08T00:00", SHANGHAI));
            assertThat(
                    events.stream()
                        .filter(e -> e.getInstanceId().equals(i.getInstanceId()))
                        .map(Event::getType)
                        .toList())
                .containsExactly(
                    Event.Type.REMINDER,
                    Event.Type.REMINDER,
                    Event.Type.REMINDER,
                    Event.Type.ISOLATED,
                    Event.Type.RELEASED);
            continue;
          }
          Expected e = byId.get(i.getInstanceId());
          assertThat(i.getState()).as(e.toString()).isEqualTo(Instance.State.RUNNING);
          assertThat(at(i.getExpiredTime())).as(e.toString()).isEqualTo(e.expiry());
          assertThat(renewedEvents.get(e.id())).as(e.toString()).isEqualTo(e.renewals());
          assertThat(reminderEvents.get(e.id())).as(e.toString()).isEqualTo(e.reminders());
          assertThat(chargedPerInstance.get(e.id())).as(e.toString()).isEqualTo(e.chargedFen());
        }
        assertThat(events)
            .extracting(Event::getType)
            .doesNotContain(Event.Type.AUTO_RENEW_FAILED)
            .filteredOn(t -> t == Event.Type.ISOLATED)
            .hasSizeLessThanOrEqualTo(1);
        long charged = chargedPerInstance.values().stream().mapToLong(Long::longValue).sum();
        assertThat(autoRecords)
            .hasSize(renewedEvents.values().stream().mapToInt(Integer::intValue).sum());
        if (account == shanghai) {
          shanghaiCharged = charged;
          assertThat(balance(tenant)).isEqualTo(1_000_000 - charged);
        } else {
          utcCharged = charged;
          assertThat(balance(tenant)).isEqualTo(200_000 - charged);
        }
      }
      assertThat(shanghaiCharged).isEqualTo(3 * 12 * 6_000 + 2 * 12 * 20_000 + 204_000);
      assertThat(utcCharged).isEqualTo(2 * 12 * 8_000);
      // Calendar months from the anchor: Jan 31 local -> ... -> Jan 31 local, never drifting to the
      // 28th.
      assertThat(byId.get(monthEnd.get(0).getInstanceId()).expiry())
          .isEqualTo(local("2028-01-31T00:00", SHANGHAI));
      assertThat(byId.get(utcMonthEnd.get(0).getInstanceId()).expiry())
          .isEqualTo(local("2028-01-31T00:00", UTC));
      assertThat(byId.get(yearly.get(0).getInstanceId()).expiry())
          .isEqualTo(local("2028-02-28T00:00", SHANGHAI));

      // The clock only moves forward; only an admin key may move it.
      Errors.assertError(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_TIME_ADVANCE",
          () ->
              clock.advanceTime(
                  AdvanceTimeRequest.newBuilder()
                      .setTo(TestServer.timestamp(until.minusSeconds(1)))
                      .build()));
      Errors.assertError(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_TIME_ADVANCE",
          () ->
              clock.advanceTime(
                  AdvanceTimeRequest.newBuilder()
                      .setBy(Duration.newBuilder().setSeconds(-60))
                      .build()));
      TestClockServiceBlockingStub asTenant =
          TestClockServiceGrpc.newBlockingStub(channel)
              .withInterceptors(
                  MetadataUtils.newAttachHeadersInterceptor(
                      TestServer.bearer(shanghai.getApiKey())));
      Errors.assertError(
          Status.Code.PERMISSION_DENIED,
          "ADMIN_REQUIRED",
          () -> asTenant.getTime(GetTimeRequest.getDefaultInstance()));
      Errors.assertError(
          Status.Code.PERMISSION_DENIED,
          "ADMIN_REQUIRED",
          () ->
              asTenant.advanceTime(
                  AdvanceTimeRequest.newBuilder()
                      .setBy(Duration.newBuilder().setSeconds(60))
                      .build()));
      assertThat(at(clock.getTime(GetTimeRequest.getDefaultInstance()).getNow())).isEqualTo(until);
    }
  }

  @Test
  void testClockServiceIsNotServedWithoutATestClock() {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TestServer server = new TestServer(db.settings())) {
      TestClockServiceBlockingStub clock =
          TestClockServiceGrpc.newBlockingStub(server.channel())
              .withInterceptors(
                  MetadataUtils.newAttachHeadersInterceptor(
                      TestServer.bearer(TestServer.ADMIN_KEY)));
      io.grpc.StatusRuntimeException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              io.grpc.StatusRuntimeException.class,
              () -> clock.getTime(GetTimeRequest.getDefaultInstance()));
      assertThat(e).isNotNull();
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    }
  }

  static CreateInstancesRequest.Builder base(
      String accountId,
      String type,
      int bandwidth,
      RenewFlag flag,
      int autoRenewMonths,
      int count) {
    return CreateInstancesRequest.newBuilder()
        .setAccountId(accountId)
        .setInstanceType(type)
        .setChargeType(Instance.ChargeType.PREPAID)
        .setBandwidthMbps(bandwidth)
        .setRenewFlag(flag)
        .setAutoRenewPeriodMonths(autoRenewMonths)
        .setCount(count);
  }

  /**
   * Computed here, independently of the server: auto-renew at expiry - 24 h, new expiry = the
   * anchor day (clamped) of the month {@code months} later at the same local time; reminders at the
   * same local time 7, 3 and 1 days before each expiry.
   */
  static Expected expect(
      Instance i, ZoneId zone, int anchor, int months, long price, Instant until) {
    Instant expiry = at(i.getExpiredTime());
    assertThat(expiry.atZone(zone).getDayOfMonth()).isEqualTo(anchor);
    int renewals = 0;
    int reminders = 0;
    while (true) {
      for (int days : new int[] {7, 3, 1}) {
        if (!expiry.atZone(zone).minusDays(days).toInstant().isAfter(until)) {
          reminders++;
        }
      }
      if (expiry.minus(LEAD).isAfter(until)) {
        break;
      }
      LocalDateTime local = expiry.atZone(zone).toLocalDateTime();
      YearMonth month = YearMonth.from(local).plusMonths(months);
      expiry =
          month
              .atDay(Math.min(anchor, month.lengthOfMonth()))
              .atTime(local.toLocalTime())
              .atZone(zone)
              .toInstant();
      renewals++;
    }
    return new Expected(i.getInstanceId(), zone, expiry, renewals, renewals * price, reminders);
  }

  static Instant local(String dateTime, ZoneId zone) {
    return LocalDateTime.parse(dateTime).atZone(zone).toInstant();
  }
}
