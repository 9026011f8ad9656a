package com.cvmbilling.renewal.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.FieldViolation;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The forecast walk: the job's timing, renewal rule and prices, run forward over a balance. */
@Tier.Unit
class RenewalForecastTest {
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  /** S5.SMALL2 50.00 and 10.00 per Mbps: 60.00 a month at 1 Mbps, 70.00 at 2 Mbps. */
  private static final PriceCatalog CATALOG =
      PriceCatalog.of(Map.of("S5.SMALL2", 5_000L, "S5.LARGE8", 20_000L), 1_000);

  private static final Duration LEAD = Duration.ofHours(24);
  private static final LifecycleSchedule.Settings SCHEDULE =
      new LifecycleSchedule.Settings(LEAD, Duration.ofDays(7), Duration.ofHours(1));

  private static final Instant NOW = local("2027-01-10T12:00");

  private static Instant local(String dateTime) {
    return LocalDateTime.parse(dateTime).atZone(ZONE).toInstant();
  }

  private static Instance autoRenewing(String id, Instant expiry, int months, int mbps) {
    return new Instance(
        id,
        "acc-test0001",
        "S5.SMALL2",
        ChargeType.PREPAID,
        InstanceState.RUNNING,
        NOW.minus(Duration.ofDays(30)),
        expiry,
        expiry.atZone(ZONE).getDayOfMonth(),
        null,
        null,
        RenewFlag.NOTIFY_AND_AUTO_RENEW,
        months,
        mbps,
        1);
  }

  private static RenewalForecast forecast(List<Instance> instances, long balance, int days) {
    return RenewalForecast.of(
        instances,
        PriceSchedule.of(CATALOG),
        ZONE,
        balance,
        NOW,
        NOW.plus(Duration.ofDays(days)),
        SCHEDULE);
  }

  @Test
  void eachChargeIsPricedWithTheCatalogInForceAtItsOwnTimeKnownFutureChangesIncluded() {
    Instance monthly = autoRenewing("ins-aaaa0001", local("2027-01-20T10:00"), 1, 1);
    TreeMap<Integer, Integer> discounts = new TreeMap<>(Pricing.VERSION_1_DISCOUNT_PERCENT);
    // Version 2, in force from Feb 10: S5.SMALL2 55.00, bandwidth 12.00.
    PriceCatalog v2 =
        new PriceCatalog(
            2,
            local("2027-02-10T00:00"),
            new TreeMap<>(Map.of("S5.SMALL2", 5_500L, "S5.LARGE8", 20_000L)),
            1_200,
            discounts);

    RenewalForecast f =
        RenewalForecast.of(
            List.of(monthly),
            new PriceSchedule(List.of(CATALOG, v2)),
            ZONE,
            1_000_000,
            NOW,
            NOW.plus(Duration.ofDays(70)),
            SCHEDULE);

    assertThat(f.charges())
        .extracting(RenewalForecast.Charge::chargeTime, c -> c.price().discountFen())
        .containsExactly(
            tuple(local("2027-01-19T10:00"), 6_000L),
            tuple(local("2027-02-19T10:00"), 6_700L),
            tuple(local("2027-03-19T10:00"), 6_700L));
  }

  @Test
  void aMonthEndAnchorRenewsJan31ToFeb28ToMar31AChargeALeadBeforeEachExpiry() {
    Instance jan31 = autoRenewing("ins-aaaa0001", local("2027-01-31T10:00"), 1, 1);

    RenewalForecast f = forecast(List.of(jan31), 1_000_000, 90);

    assertThat(f.charges())
        .extracting(RenewalForecast.Charge::expiry, RenewalForecast.Charge::chargeTime)
        .containsExactly(
            tuple(local("2027-01-31T10:00"), local("2027-01-30T10:00")),
            tuple(local("2027-02-28T10:00"), local("2027-02-27T10:00")),
            tuple(local("2027-03-31T10:00"), local("2027-03-30T10:00")));
  }

  @Test
  void oneInstanceRenewsAtEachExpiryInTheHorizonAndTheBalanceRunsDown() {
    Instance monthly = autoRenewing("ins-aaaa0001", local("2027-01-20T00:00"), 1, 1);

    RenewalForecast f = forecast(List.of(monthly), 100_000, 90);

    // Jan 19, Feb 19, Mar 19 (Apr 19 is past Apr 10): 60.00 each.
    assertThat(f.charges())
        .extracting(
            RenewalForecast.Charge::chargeTime,
            c -> c.price().discountFen(),
            RenewalForecast.Charge::balanceAfterFen,
            RenewalForecast.Charge::covered)
        .containsExactly(
            tuple(local("2027-01-19T00:00"), 6_000L, 94_000L, true),
            tuple(local("2027-02-19T00:00"), 6_000L, 88_000L, true),
            tuple(local("2027-03-19T00:00"), 6_000L, 82_000L, true));
    assertThat(f.balanceFen()).isEqualTo(100_000);
    assertThat(f.shortfallTime()).isNull();
    assertThat(f.atRiskInstanceIds()).isEmpty();
  }

  @Test
  void aYearlyPeriodIsPricedWithItsFactorAndRenewsOnceInAYear() {
    Instance yearly = autoRenewing("ins-aaaa0001", local("2027-02-01T00:00"), 12, 2);

    RenewalForecast f = forecast(List.of(yearly), 1_000_000, 365);

    // 70.00 x 12 = 840.00 list, 85%: 714.00; the next attempt (2028-01-31) is past the horizon.
    assertThat(f.charges()).hasSize(1);
    RenewalForecast.Charge c = f.charges().get(0);
    assertThat(c.periodMonths()).isEqualTo(12);
    assertThat(c.price()).isEqualTo(new Price(84_000, 71_400));
    assertThat(c.balanceAfterFen()).isEqualTo(1_000_000 - 71_400);
  }

  @Test
  void chargesOfSeveralInstancesAreInTimeOrderAndEqualTimesInIdOrder() {
    Instance b = autoRenewing("ins-bbbb0001", local("2027-01-15T00:00"), 1, 1);
    Instance a = autoRenewing("ins-aaaa0001", local("2027-01-25T00:00"), 1, 1);
    Instance sameTimeAsB = autoRenewing("ins-aaaa0002", local("2027-01-15T00:00"), 2, 1);

    RenewalForecast f = forecast(List.of(b, a, sameTimeAsB), 1_000_000, 44);

    assertThat(f.charges())
        .extracting(RenewalForecast.Charge::instanceId, RenewalForecast.Charge::chargeTime)
        .containsExactly(
            tuple("ins-aaaa0002", local("2027-01-14T00:00")),
            tuple("ins-bbbb0001", local("2027-01-14T00:00")),
            tuple("ins-aaaa0001", local("2027-01-24T00:00")),
            tuple("ins-bbbb0001", local("2027-02-14T00:00")));
  }

  @Test
  void whenTheBalanceRunsOutTheChargeIsListedUnpaidAndItsInstanceIsAtRisk() {
    Instance small = autoRenewing("ins-aaaa0001", local("2027-01-15T00:00"), 1, 1); // 60.00
    Instance big = autoRenewing("ins-bbbb0001", local("2027-01-25T00:00"), 1, 5); // 100.00

    // 200.00: Jan 14 small (140.00 left), Jan 24 big (40.00 left), Feb 14 small refused,
    // Feb 24 big refused; both are then isolated, nothing later.
    RenewalForecast f = forecast(List.of(small, big), 20_000, 90);

    assertThat(f.charges())
        .extracting(
            RenewalForecast.Charge::instanceId,
            RenewalForecast.Charge::chargeTime,
            RenewalForecast.Charge::balanceAfterFen,
            RenewalForecast.Charge::covered)
        .containsExactly(
            tuple("ins-aaaa0001", local("2027-01-14T00:00"), 14_000L, true),
            tuple("ins-bbbb0001", local("2027-01-24T00:00"), 4_000L, true),
            tuple("ins-aaaa0001", local("2027-02-14T00:00"), 4_000L, false),
            tuple("ins-bbbb0001", local("2027-02-24T00:00"), 4_000L, false));
    assertThat(f.shortfallTime()).isEqualTo(local("2027-02-14T00:00"));
    assertThat(f.atRiskInstanceIds()).containsExactly("ins-aaaa0001", "ins-bbbb0001");
  }

  @Test
  void aCheaperRenewalTheRestStillCoversIsChargedAfterAnotherWasRefused() {
    Instance big = autoRenewing("ins-bbbb0001", local("2027-01-15T00:00"), 1, 5); // 100.00
    Instance small = autoRenewing("ins-aaaa0001", local("2027-01-25T00:00"), 1, 1); // 60.00

    RenewalForecast f = forecast(List.of(big, small), 7_000, 50);

    assertThat(f.charges())
        .extracting(
            RenewalForecast.Charge::instanceId,
            RenewalForecast.Charge::balanceAfterFen,
            RenewalForecast.Charge::covered)
        .containsExactly(
            tuple("ins-bbbb0001", 7_000L, false),
            tuple("ins-aaaa0001", 1_000L, true),
            // small's next renewal (Feb 24) is inside the 50 days and no longer covered
            tuple("ins-aaaa0001", 1_000L, false));
    assertThat(f.shortfallTime()).isEqualTo(local("2027-01-14T00:00"));
    assertThat(f.atRiskInstanceIds()).containsExactly("ins-bbbb0001", "ins-aaaa0001");
  }

  @Test
  void theHorizonEndIsInclusiveAndAttemptsAlreadyDueAreChargedNow() {
    Instant until = NOW.plus(Duration.ofDays(10));
    Instance atTheEnd = autoRenewing("ins-aaaa0001", until.plus(LEAD), 1, 1);
    Instance justAfter = autoRenewing("ins-aaaa0002", until.plus(LEAD).plusSeconds(1), 1, 1);
    Instance insideTheLead = autoRenewing("ins-aaaa0003", NOW.plus(Duration.ofHours(3)), 1, 1);
    Instance pastExpiry = autoRenewing("ins-aaaa0004", NOW.minus(Duration.ofHours(1)), 1, 1);

    RenewalForecast f =
        forecast(List.of(atTheEnd, justAfter, insideTheLead, pastExpiry), 1_000_000, 10);

    assertThat(f.charges())
        .extracting(RenewalForecast.Charge::instanceId, RenewalForecast.Charge::chargeTime)
        .containsExactly(
            tuple("ins-aaaa0003", NOW), tuple("ins-aaaa0004", NOW), tuple("ins-aaaa0001", until));
  }

  @Test
  void onlyRunningPrepaidInstancesWithTheAutoRenewFlagAreForecast() {
    Instant expiry = local("2027-01-20T00:00");
    Instance auto = autoRenewing("ins-aaaa0001", expiry, 1, 1);
    Instance manual =
        autoRenewing("ins-aaaa0002", expiry, 1, 1)
            .change()
            .renewFlag(RenewFlag.NOTIFY_AND_MANUAL_RENEW)
            .build();
    Instance isolated =
        autoRenewing("ins-aaaa0003", expiry, 1, 1)
            .change()
            .state(InstanceState.ISOLATED)
            .isolatedTime(NOW)
            .build();
    Instance postpaid =
        new Instance(
            "ins-aaaa0004",
            "acc-test0001",
            "S5.SMALL2",
            ChargeType.POSTPAID_BY_HOUR,
            InstanceState.RUNNING,
            NOW,
            null,
            null,
            null,
            null,
            RenewFlag.NOTIFY_AND_AUTO_RENEW,
            1,
            1,
            1);

    RenewalForecast f = forecast(List.of(auto, manual, isolated, postpaid), 1_000_000, 20);

    assertThat(f.charges())
        .extracting(RenewalForecast.Charge::instanceId)
        .containsOnly(auto.instanceId());
  }

  @Test
  void theHorizonIs90DaysByDefaultAnd1To400() {
    assertThat(RequestRules.horizonDays(0)).isEqualTo(90);
    assertThat(RequestRules.horizonDays(1)).isEqualTo(1);
    assertThat(RequestRules.horizonDays(400)).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 401, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void aHorizonOutside1To400IsInvalidHorizonOnItsField(int days) {
    assertThatThrownBy(() -> RequestRules.horizonDays(days))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ErrorReason.INVALID_HORIZON);
              assertThat(e.metadata()).containsEntry("horizonDays", Integer.toString(days));
              assertThat(e.fieldViolations())
                  .extracting(FieldViolation::field)
                  .containsExactly("horizon_days");
            });
  }
}
