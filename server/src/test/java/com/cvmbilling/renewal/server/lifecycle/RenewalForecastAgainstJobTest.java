package com.cvmbilling.renewal.server.lifecycle;

import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.at;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.create;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.describe;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.events;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.service.LifecycleService;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastRequest;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastResponse;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastResponse.Charge;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DescribeRenewalForecast against the lifecycle job itself: the forecast taken on the test clock
 * lists exactly the auto-renew charges (instance, amount, time, balance after) that the job then
 * writes to the ledger while the clock advances through the horizon, and the instance it names at
 * risk is the one the job fails to renew and isolates.
 */
@Tier.H2
@Tier.MariaDb
class RenewalForecastAgainstJobTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final Instant START = local("2027-01-10T12:00");

  static Instant local(String dateTime) {
    return LocalDateTime.parse(dateTime).atZone(SHANGHAI).toInstant();
  }

  /** Retries hourly (the retry interval is the lifecycle interval) to keep the step count small. */
  static TestServer server(TestDatabases.TestDatabase db, TestClock clock) {
    return new TestServer(
        LifecycleFixtures.config(db.settings()).lifecycleInterval(Duration.ofHours(1)).build(),
        clock);
  }

  static DescribeRenewalForecastResponse forecast(RenewalServiceBlockingStub tenant, int days) {
    return tenant.describeRenewalForecast(
        DescribeRenewalForecastRequest.newBuilder().setHorizonDays(days).build());
  }

  /** What a charge moves: instance, amount (negative), time, balance after. */
  record Debit(String instanceId, long fen, Instant time, long balanceAfterFen) {}

  @ParameterizedTest
  @EnumSource(Kind.class)
  void theForecastIsWhatTheJobChargesWhenTheClockRunsThroughTheHorizon(Kind kind) {
    TestClock clock = new TestClock(START);
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer server = server(db, clock)) {
      LifecycleService lifecycle = LifecycleFixtures.lifecycle(server);
      TestAccount acct = server.createAccount(100_000, "Asia/Shanghai"); // 1000.00
      RenewalServiceBlockingStub tenant = server.tenant(acct);
      var auto = com.cvmbilling.renewal.v1.RenewFlag.NOTIFY_AND_AUTO_RENEW;
      // 60.00 a month from a month end (Jan 31 -> Feb 28 -> Mar 31).
      String monthly =
          create(server, acct, "S5.SMALL2", 1, auto, 1, 1, local("2027-01-31T10:00"))
              .get(0)
              .getInstanceId();
      // 120.00 a month, 3 months: 360.00.
      String quarterly =
          create(server, acct, "S5.MEDIUM4", 2, auto, 3, 1, local("2027-02-15T08:30"))
              .get(0)
              .getInstanceId();
      // 60.00 a month, 12 months at 85%: 612.00, more than will be left.
      String yearly =
          create(server, acct, "S5.SMALL2", 1, auto, 12, 1, local("2027-03-05T00:00"))
              .get(0)
              .getInstanceId();
      String manual =
          create(
                  server,
                  acct,
                  "S5.SMALL2",
                  1,
                  com.cvmbilling.renewal.v1.RenewFlag.NOTIFY_AND_MANUAL_RENEW,
                  1,
                  1,
                  local("2027-02-01T00:00"))
              .get(0)
              .getInstanceId();

      DescribeRenewalForecastResponse forecast = forecast(tenant, 90);
      lifecycle.advanceTo(clock, START.plus(Duration.ofDays(90)));

      // The numbers, worked out by hand once: 1000 - 60 - 360 - 60 = 520, 612 refused, - 60.
      assertThat(forecast.getChargesList())
          .extracting(
              Charge::getInstanceId,
              c -> at(c.getChargeTime()),
              c -> TestServer.fen(c.getPrice().getDiscountPrice()),
              c -> TestServer.fen(c.getBalanceAfter()),
              Charge::getCovered)
          .containsExactly(
              tuple(monthly, local("2027-01-30T10:00"), 6_000L, 94_000L, true),
              tuple(quarterly, local("2027-02-14T08:30"), 36_000L, 58_000L, true),
              tuple(monthly, local("2027-02-27T10:00"), 6_000L, 52_000L, true),
              tuple(yearly, local("2027-03-04T00:00"), 61_200L, 52_000L, false),
              tuple(monthly, local("2027-03-30T10:00"), 6_000L, 46_000L, true));
      assertThat(TestServer.fen(forecast.getBalance())).isEqualTo(100_000);
      assertThat(at(forecast.getShortfallTime())).isEqualTo(local("2027-03-04T00:00"));
      assertThat(forecast.getAtRiskInstanceIdsList()).containsExactly(yearly);

      // The job's ledger: the covered charges, to the fen and to the instant.
      List<Debit> charged =
          records(tenant).stream()
              .filter(r -> r.getType() == BillingRecord.Type.AUTO_RENEW)
              .map(
                  r ->
                      new Debit(
                          r.getInstanceIds(0),
                          -TestServer.fen(r.getAmount()),
                          at(r.getCreatedTime()),
                          TestServer.fen(r.getBalanceAfter())))
              .toList();
      List<Debit> forecastDebits = new ArrayList<>();
      for (Charge c : forecast.getChargesList()) {
        if (c.getCovered()) {
          forecastDebits.add(
              new Debit(
                  c.getInstanceId(),
                  TestServer.fen(c.getPrice().getDiscountPrice()),
                  at(c.getChargeTime()),
                  TestServer.fen(c.getBalanceAfter())));
        }
      }
      assertThat(charged).isEqualTo(forecastDebits);

      // The one at risk: refused at its expiry and isolated, as the forecast warned.
      assertThat(events(tenant))
          .filteredOn(e -> e.getInstanceId().equals(yearly))
          .extracting(Event::getType, e -> at(e.getOccurredTime()))
          .contains(
              tuple(Event.Type.AUTO_RENEW_FAILED, local("2027-03-05T00:00")),
              tuple(Event.Type.ISOLATED, local("2027-03-05T00:00")));
      // Never renewed (and released after the retention since); nor was the manual one charged.
      assertThat(at(describe(tenant, yearly).getExpiredTime()))
          .isEqualTo(local("2027-03-05T00:00"));
      assertThat(describe(tenant, yearly).getState()).isEqualTo(Instance.State.RELEASED);
      assertThat(at(describe(tenant, manual).getExpiredTime()))
          .isEqualTo(local("2027-02-01T00:00"));
    }
  }

  /** More instances than one read page (500): every one is forecast, the balance runs in order. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void aBigAccountIsReadPageByPage(Kind kind) {
    TestClock clock = new TestClock(START);
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer server = server(db, clock)) {
      TestAccount acct = server.createAccount(10_000_000, "Asia/Shanghai");
      int count = 1_234;
      List<com.cvmbilling.renewal.server.domain.Instance> rows = new ArrayList<>();
      for (int n = 0; n < count; n++) {
        Instant expiry = START.plus(Duration.ofDays(2)).plusSeconds(60L * n);
        rows.add(
            LifecycleFixtures.prepaid(
                LifecycleFixtures.instanceId("fc", n),
                acct.accountId(),
                InstanceState.RUNNING,
                expiry,
                expiry.atZone(SHANGHAI).getDayOfMonth(),
                null,
                RenewFlag.NOTIFY_AND_AUTO_RENEW,
                START));
      }
      LifecycleFixtures.insertInstances(server, rows);

      DescribeRenewalForecastResponse forecast = forecast(server.tenant(acct), 10);

      assertThat(forecast.getChargesList()).hasSize(count);
      assertThat(forecast.getCharges(0).getInstanceId())
          .isEqualTo(LifecycleFixtures.instanceId("fc", 0));
      assertThat(forecast.getCharges(count - 1).getInstanceId())
          .isEqualTo(LifecycleFixtures.instanceId("fc", count - 1));
      // 60.00 each, in one run of the balance.
      assertThat(TestServer.fen(forecast.getCharges(count - 1).getBalanceAfter()))
          .isEqualTo(10_000_000 - 6_000L * count);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 401})
  void aHorizonOutside1To400IsInvalidArgumentAndNamesTheField(int days) {
    try (TestDatabases.TestDatabase db = TestDatabases.create(Kind.H2);
        TestServer server = server(db, new TestClock(START))) {
      TestAccount acct = server.createAccount(100_000, "Asia/Shanghai");
      StatusRuntimeException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              StatusRuntimeException.class, () -> forecast(server.tenant(acct), days));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(Errors.errorInfo(e).getReason()).isEqualTo("INVALID_HORIZON");
      assertThat(Errors.badRequest(e).getFieldViolationsList())
          .extracting(BadRequest.FieldViolation::getField)
          .containsExactly("horizon_days");
    }
  }
}
