package com.cvmbilling.renewal.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.Tier;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tier.Unit
class BillingCalendarTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final ZoneId UTC = ZoneId.of("UTC");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** An instant written with its local offset, e.g. {@code at("2027-03-15T00:00+08:00")}. */
  static Instant at(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  static Instant utc(String instant) {
    return Instant.parse(instant);
  }

  @Nested
  class AnchorDay {
    @Test
    void sameInstantHasDifferentAnchorDaysInDifferentZones() {
      Instant expiry = utc("2027-01-31T16:00:00Z");
      // 2027-02-01T00:00+08:00 in Shanghai
      assertThat(BillingCalendar.anchorDayOf(expiry, SHANGHAI)).isEqualTo(1);
      assertThat(BillingCalendar.anchorDayOf(expiry, UTC)).isEqualTo(31);
      // 2027-01-31T11:00-05:00
      assertThat(BillingCalendar.anchorDayOf(expiry, NEW_YORK)).isEqualTo(31);
    }

    @Test
    void oneSecondBeforeLocalMidnightIsStillThePreviousDay() {
      assertThat(BillingCalendar.anchorDayOf(utc("2027-01-31T15:59:59Z"), SHANGHAI)).isEqualTo(31);
    }
  }

  @Nested
  class AddMonths {
    @Test
    void anchor31WalksMonthEndsWithoutDriftIn2027() {
      Instant jan31 = utc("2027-01-31T10:00:00Z");
      Instant feb = BillingCalendar.addMonths(jan31, 1, 31, UTC);
      assertThat(feb).isEqualTo(utc("2027-02-28T10:00:00Z"));
      Instant mar = BillingCalendar.addMonths(feb, 1, 31, UTC);
      // not Mar 28: the day comes from the anchor, not from the clamped Feb 28
      assertThat(mar).isEqualTo(utc("2027-03-31T10:00:00Z"));
      Instant apr = BillingCalendar.addMonths(mar, 1, 31, UTC);
      assertThat(apr).isEqualTo(utc("2027-04-30T10:00:00Z"));
      Instant may = BillingCalendar.addMonths(apr, 1, 31, UTC);
      assertThat(may).isEqualTo(utc("2027-05-31T10:00:00Z"));
    }

    @Test
    void anchor31InALeapYearStopsOnFebruary29() {
      Instant feb = BillingCalendar.addMonths(utc("2028-01-31T10:00:00Z"), 1, 31, UTC);
      assertThat(feb).isEqualTo(utc("2028-02-29T10:00:00Z"));
      assertThat(BillingCalendar.addMonths(feb, 1, 31, UTC)).isEqualTo(utc("2028-03-31T10:00:00Z"));
    }

    @Test
    void severalMonthsAtOnceUseTheTargetMonthLength() {
      Instant jan31 = utc("2027-01-31T10:00:00Z");
      assertThat(BillingCalendar.addMonths(jan31, 2, 31, UTC))
          .isEqualTo(utc("2027-03-31T10:00:00Z"));
      assertThat(BillingCalendar.addMonths(jan31, 3, 31, UTC))
          .isEqualTo(utc("2027-04-30T10:00:00Z"));
      assertThat(BillingCalendar.addMonths(jan31, 13, 31, UTC))
          .isEqualTo(utc("2028-02-29T10:00:00Z"));
    }

    @Test
    void anchor30() {
      Instant feb = BillingCalendar.addMonths(utc("2027-01-30T10:00:00Z"), 1, 30, UTC);
      assertThat(feb).isEqualTo(utc("2027-02-28T10:00:00Z"));
      assertThat(BillingCalendar.addMonths(feb, 1, 30, UTC)).isEqualTo(utc("2027-03-30T10:00:00Z"));
      assertThat(BillingCalendar.addMonths(utc("2027-03-30T10:00:00Z"), 1, 30, UTC))
          .isEqualTo(utc("2027-04-30T10:00:00Z"));
      assertThat(BillingCalendar.addMonths(utc("2028-01-30T10:00:00Z"), 1, 30, UTC))
          .isEqualTo(utc("2028-02-29T10:00:00Z"));
    }

    @Test
    void anchor29() {
      Instant feb = BillingCalendar.addMonths(utc("2027-01-29T10:00:00Z"), 1, 29, UTC);
      assertThat(feb).isEqualTo(utc("2027-02-28T10:00:00Z"));
      assertThat(BillingCalendar.addMonths(feb, 1, 29, UTC)).isEqualTo(utc("2027-03-29T10:00:00Z"));
      // in a leap year February has the 29th, so nothing is clamped
      assertThat(BillingCalendar.addMonths(utc("2028-01-29T10:00:00Z"), 1, 29, UTC))
          .isEqualTo(utc("2028-02-29T10:00:00Z"));
    }

    @Test
    void ordinaryDayKeepsDayAndTime() {
      assertThat(BillingCalendar.addMonths(utc("2027-03-15T08:30:15Z"), 1, 15, UTC))
          .isEqualTo(utc("2027-04-15T08:30:15Z"));
    }

    @Test
    void subSecondPrecisionIsKept() {
      assertThat(BillingCalendar.addMonths(utc("2027-03-15T08:30:15.123456Z"), 1, 15, UTC))
          .isEqualTo(utc("2027-04-15T08:30:15.123456Z"));
    }

    @Test
    void twelveTwentyFourAndThirtySixMonths() {
      Instant start = utc("2027-03-15T08:00:00Z");
      assertThat(BillingCalendar.addMonths(start, 12, 15, UTC))
          .isEqualTo(utc("2028-03-15T08:00:00Z"));
      assertThat(BillingCalendar.addMonths(start, 24, 15, UTC))
          .isEqualTo(utc("2029-03-15T08:00:00Z"));
      assertThat(BillingCalendar.addMonths(start, 36, 15, UTC))
          .isEqualTo(utc("2030-03-15T08:00:00Z"));
    }

    @Test
    void leapDayAnchorOverYears() {
      Instant leapDay = utc("2028-02-29T08:00:00Z");
      assertThat(BillingCalendar.addMonths(leapDay, 12, 29, UTC))
          .isEqualTo(utc("2029-02-28T08:00:00Z"));
      assertThat(BillingCalendar.addMonths(leapDay, 36, 29, UTC))
          .isEqualTo(utc("2031-02-28T08:00:00Z"));
      assertThat(BillingCalendar.addMonths(leapDay, 48, 29, UTC))
          .isEqualTo(utc("2032-02-29T08:00:00Z"));
    }

    @Test
    void decemberRollsOverIntoJanuaryOfTheNextYear() {
      assertThat(BillingCalendar.addMonths(utc("2027-12-31T10:00:00Z"), 1, 31, UTC))
          .isEqualTo(utc("2028-01-31T10:00:00Z"));
      assertThat(BillingCalendar.addMonths(utc("2027-12-15T10:00:00Z"), 1, 15, UTC))
          .isEqualTo(utc("2028-01-15T10:00:00Z"));
      assertThat(BillingCalendar.addMonths(utc("2027-11-30T10:00:00Z"), 3, 30, UTC))
          .isEqualTo(utc("2028-02-29T10:00:00Z"));
    }

    @Test
    void zeroMonthsOnTheAnchorDayIsTheSameInstant() {
      Instant expiry = utc("2027-03-15T08:00:00Z");
      assertThat(BillingCalendar.addMonths(expiry, 0, 15, UTC)).isEqualTo(expiry);
    }

    @Test
    void computedInTheBillingZone() {
      // Shanghai: Feb 1 00:00 local, anchor 1 -> Mar 1 00:00 local
      assertThat(BillingCalendar.addMonths(utc("2027-01-31T16:00:00Z"), 1, 1, SHANGHAI))
          .isEqualTo(at("2027-03-01T00:00+08:00"));
      // Same instant: Shanghai 2027-01-31T01:00 (anchor 31), UTC 2027-01-30T17:00 (anchor 30)
      Instant expiry = utc("2027-01-30T17:00:00Z");
      assertThat(BillingCalendar.addMonths(expiry, 1, 31, SHANGHAI))
          .isEqualTo(at("2027-02-28T01:00+08:00"))
          .isEqualTo(utc("2027-02-27T17:00:00Z"));
      assertThat(BillingCalendar.addMonths(expiry, 1, 30, UTC))
          .isEqualTo(utc("2027-02-28T17:00:00Z"));
      // and from the clamped Feb 28 in Shanghai back to the 31st of March, local time
      assertThat(BillingCalendar.addMonths(utc("2027-02-27T17:00:00Z"), 1, 31, SHANGHAI))
          .isEqualTo(at("2027-03-31T01:00+08:00"));
    }

    @Test
    void keepsTheLocalTimeAcrossTheSpringDstChange() {
      // 09:00 EST -> 09:00 EDT: only 28 days minus one hour later in absolute time
      Instant before = at("2027-02-14T09:00-05:00");
      Instant after = BillingCalendar.addMonths(before, 1, 14, NEW_YORK);
      assertThat(after).isEqualTo(at("2027-03-14T09:00-04:00"));
      assertThat(Duration.between(before, after))
          .isEqualTo(Duration.ofDays(28).minus(Duration.ofHours(1)));
    }

    @Test
    void keepsTheLocalTimeAcrossTheAutumnDstChange() {
      Instant before = at("2027-10-07T09:00-04:00");
      Instant after = BillingCalendar.addMonths(before, 1, 7, NEW_YORK);
      assertThat(after).isEqualTo(at("2027-11-07T09:00-05:00"));
      assertThat(Duration.between(before, after))
          .isEqualTo(Duration.ofDays(31).plus(Duration.ofHours(1)));
    }

    @Test
    void localTimeInTheSpringGapMovesForwardByTheGap() {
      // 2027-03-14T02:30 does not exist in New York; ofLocal gives 03:30 EDT
      assertThat(BillingCalendar.addMonths(at("2027-02-14T02:30-05:00"), 1, 14, NEW_YORK))
          .isEqualTo(at("2027-03-14T03:30-04:00"));
    }

    @Test
    void localTimeInTheAutumnOverlapTakesTheEarlierOffset() {
      // 2027-11-07T01:30 happens twice in New York; ofLocal picks the first (EDT)
      assertThat(BillingCalendar.addMonths(at("2027-10-07T01:30-04:00"), 1, 7, NEW_YORK))
          .isEqualTo(at("2027-11-07T01:30-04:00"));
    }

    @Test
    void rejectsImpossibleArguments() {
      Instant t = utc("2027-03-15T08:00:00Z");
      assertThatThrownBy(() -> BillingCalendar.addMonths(t, 1, 0, UTC))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> BillingCalendar.addMonths(t, 1, 32, UTC))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> BillingCalendar.addMonths(t, -1, 15, UTC))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class UnifiedExpiry {
    @Test
    void laterThisMonth() {
      assertThat(BillingCalendar.unifiedExpiry(at("2027-03-10T12:00+08:00"), 15, SHANGHAI))
          .isEqualTo(at("2027-03-15T00:00+08:00"))
          .isEqualTo(utc("2027-03-14T16:00:00Z"));
    }

    @Test
    void exactlyOnTheDayIsUnchanged() {
      Instant current = at("2027-03-15T00:00+08:00");
      assertThat(BillingCalendar.unifiedExpiry(current, 15, SHANGHAI)).isEqualTo(current);
    }

    @Test
    void oneSecondAfterTheDayGoesToNextMonth() {
      assertThat(BillingCalendar.unifiedExpiry(at("2027-03-15T00:00:01+08:00"), 15, SHANGHAI))
          .isEqualTo(at("2027-04-15T00:00+08:00"));
    }

    @Test
    void oneNanosecondBeforeTheDayStaysThisMonth() {
      Instant current = at("2027-03-15T00:00+08:00").minusNanos(1);
      assertThat(BillingCalendar.unifiedExpiry(current, 15, SHANGHAI))
          .isEqualTo(at("2027-03-15T00:00+08:00"));
    }

    @Test
    void laterInTheMonthGoesToNextMonth() {
      assertThat(BillingCalendar.unifiedExpiry(at("2027-03-20T09:00+08:00"), 15, SHANGHAI))
          .isEqualTo(at("2027-04-15T00:00+08:00"));
    }

    @Test
    void acrossTheYearEnd() {
      assertThat(BillingCalendar.unifiedExpiry(at("2027-12-20T10:00+08:00"), 5, SHANGHAI))
          .isEqualTo(at("2028-01-05T00:00+08:00"));
    }

    @Test
    void day28InFebruary() {
      assertThat(BillingCalendar.unifiedExpiry(at("2027-02-10T10:00+08:00"), 28, SHANGHAI))
          .isEqualTo(at("2027-02-28T00:00+08:00"));
      assertThat(BillingCalendar.unifiedExpiry(at("2027-01-31T12:00+08:00"), 28, SHANGHAI))
          .isEqualTo(at("2027-02-28T00:00+08:00"));
      // leap February: past the 28th goes to March 28, never to Feb 29
      assertThat(BillingCalendar.unifiedExpiry(at("2028-02-28T00:00:01+08:00"), 28, SHANGHAI))
          .isEqualTo(at("2028-03-28T00:00+08:00"));
    }

    @Test
    void dayOneFromTheLastDayOfAMonth() {
      assertThat(BillingCalendar.unifiedExpiry(at("2027-01-31T12:00+08:00"), 1, SHANGHAI))
          .isEqualTo(at("2027-02-01T00:00+08:00"));
    }

    @Test
    void differentZonesGiveDifferentInstants() {
      Instant current = utc("2027-03-10T12:00:00Z");
      assertThat(BillingCalendar.unifiedExpiry(current, 15, SHANGHAI))
          .isEqualTo(utc("2027-03-14T16:00:00Z"));
      assertThat(BillingCalendar.unifiedExpiry(current, 15, UTC))
          .isEqualTo(utc("2027-03-15T00:00:00Z"));
      // New York is on EDT from 2027-03-14
      assertThat(BillingCalendar.unifiedExpiry(current, 15, NEW_YORK))
          .isEqualTo(utc("2027-03-15T04:00:00Z"));
    }

    @Test
    void whetherTheDayHasPassedDependsOnTheZone() {
      // 2027-03-14T20:00Z is already Mar 15 04:00 in Shanghai but still Mar 14 in UTC
      Instant current = utc("2027-03-14T20:00:00Z");
      assertThat(BillingCalendar.unifiedExpiry(current, 15, SHANGHAI))
          .isEqualTo(at("2027-04-15T00:00+08:00"));
      assertThat(BillingCalendar.unifiedExpiry(current, 15, UTC))
          .isEqualTo(utc("2027-03-15T00:00:00Z"));
    }

    @Test
    void midnightInsideADstGapIsTheFirstLocalTimeOfTheDay() {
      // America/Santiago springs forward at 2027-09-05T00:00-04:00 -> 01:00-03:00
      ZoneId santiago = ZoneId.of("America/Santiago");
      assertThat(BillingCalendar.unifiedExpiry(utc("2027-08-20T12:00:00Z"), 5, santiago))
          .isEqualTo(at("2027-09-05T01:00-03:00"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 29, 30, 31, -1})
    void rejectsDaysOutside1To28(int day) {
      ApiException e =
          Errors.expectBadField(
              () -> BillingCalendar.unifiedExpiry(utc("2027-03-10T12:00:00Z"), day, SHANGHAI),
              ErrorReason.INVALID_EXPIRY_DAY,
              "expiry_day");
      assertThat(e.metadata()).containsEntry("expiryDay", Integer.toString(day));
    }
  }

  @Nested
  class WholeDaysRoundedUp {
    final Instant start = at("2027-05-10T12:00+08:00");

    @Test
    void emptyOrNegativeIntervalIsZero() {
      assertThat(BillingCalendar.wholeDaysRoundedUp(start, start, SHANGHAI)).isZero();
      assertThat(BillingCalendar.wholeDaysRoundedUp(start, start.minusSeconds(1), SHANGHAI))
          .isZero();
      assertThat(
              BillingCalendar.wholeDaysRoundedUp(start, start.minus(Duration.ofDays(40)), SHANGHAI))
          .isZero();
    }

    @Test
    void aStartedDayCountsAsAWholeOne() {
      assertThat(BillingCalendar.wholeDaysRoundedUp(start, start.plusNanos(1), SHANGHAI))
          .isEqualTo(1);
      assertThat(BillingCalendar.wholeDaysRoundedUp(start, start.plusSeconds(1), SHANGHAI))
          .isEqualTo(1);
      assertThat(
              BillingCalendar.wholeDaysRoundedUp(start, start.plus(Duration.ofDays(1)), SHANGHAI))
          .isEqualTo(1);
      assertThat(
              BillingCalendar.wholeDaysRoundedUp(
                  start, start.plus(Duration.ofDays(1)).plusSeconds(1), SHANGHAI))
          .isEqualTo(2);
      assertThat(
              BillingCalendar.wholeDaysRoundedUp(
                  start, start.plus(Duration.ofDays(29)).plus(Duration.ofHours(1)), SHANGHAI))
          .isEqualTo(30);
      assertThat(
              BillingCalendar.wholeDaysRoundedUp(start, start.plus(Duration.ofDays(30)), SHANGHAI))
          .isEqualTo(30);
    }

    @Test
    void crossingLocalMidnightWithinADayIsStillOneDay() {
      // 23:00 to 01:00 is two hours, not two calendar dates
      assertThat(
              BillingCalendar.wholeDaysRoundedUp(
                  at("2027-03-10T23:00+08:00"), at("2027-03-11T01:00+08:00"), SHANGHAI))
          .isEqualTo(1);
    }

    @Test
    void the25HourAutumnDstDayIsOneDay() {
      Instant from = at("2027-11-06T12:00-04:00");
      Instant to = at("2027-11-07T12:00-05:00");
      assertThat(Duration.between(from, to)).isEqualTo(Duration.ofHours(25));
      assertThat(BillingCalendar.wholeDaysRoundedUp(from, to, NEW_YORK)).isEqualTo(1);
      // the same 25 hours without a DST change are two started days
      assertThat(BillingCalendar.wholeDaysRoundedUp(from, to, UTC)).isEqualTo(2);
    }

    @Test
    void the23HourSpringDstDayIsOneDay() {
      Instant from = at("2027-03-13T12:00-05:00");
      Instant to = at("2027-03-14T12:00-04:00");
      assertThat(Duration.between(from, to)).isEqualTo(Duration.ofHours(23));
      assertThat(BillingCalendar.wholeDaysRoundedUp(from, to, NEW_YORK)).isEqualTo(1);
      // and half an hour more is a second started day, although only 23.5 h passed
      assertThat(
              BillingCalendar.wholeDaysRoundedUp(from, to.plus(Duration.ofMinutes(30)), NEW_YORK))
          .isEqualTo(2);
    }

    @Test
    void aPositiveIntervalInsideTheAutumnOverlapCountsOneDay() {
      // 01:30 EDT then, 40 minutes later, 01:10 EST: local time went backwards
      Instant from = at("2027-11-07T01:30-04:00");
      Instant to = at("2027-11-07T01:10-05:00");
      assertThat(to).isAfter(from);
      assertThat(BillingCalendar.wholeDaysRoundedUp(from, to, NEW_YORK)).isEqualTo(1);
    }

    @Test
    void remainingDaysIsZeroOnceExpired() {
      Instant expiry = at("2027-05-10T00:00+08:00");
      assertThat(BillingCalendar.remainingDays(expiry, expiry, SHANGHAI)).isZero();
      assertThat(BillingCalendar.remainingDays(expiry.plusSeconds(3600), expiry, SHANGHAI))
          .isZero();
      assertThat(BillingCalendar.remainingDays(expiry.minusSeconds(1), expiry, SHANGHAI))
          .isEqualTo(1);
    }

    @Test
    void remainingDaysOf29DaysAndAnHourChargeAFullMonthOfBandwidthDifference() {
      Instant expiry = at("2027-06-10T00:00+08:00");
      Instant now = expiry.minus(Duration.ofDays(29)).minus(Duration.ofHours(1));
      long days = BillingCalendar.remainingDays(now, expiry, SHANGHAI);
      assertThat(days).isEqualTo(30);
      // 150.00 -> 200.00 a month: 30 days of 50.00/30
      assertThat(Pricing.bandwidthUpgradeFen(15_000, 20_000, days)).isEqualTo(5_000);
    }

    @Test
    void extensionDaysAndChargeOfAUnifiedExpiry() {
      Instant old = at("2027-03-10T12:00+08:00");
      Instant aligned = BillingCalendar.unifiedExpiry(old, 15, SHANGHAI);
      // 4.5 days -> 5 days; 150.00/month x 5 / 30 = 25.00
      long days = BillingCalendar.extensionDays(old, aligned, SHANGHAI);
      assertThat(days).isEqualTo(5);
      assertThat(Pricing.unifiedExpiryFen(15_000, days)).isEqualTo(2_500);
    }

    @Test
    void alreadyAlignedInstanceIsFree() {
      Instant old = at("2027-03-15T00:00+08:00");
      Instant aligned = BillingCalendar.unifiedExpiry(old, 15, SHANGHAI);
      long days = BillingCalendar.extensionDays(old, aligned, SHANGHAI);
      assertThat(days).isZero();
      assertThat(Pricing.unifiedExpiryFen(15_000, days)).isZero();
    }
  }
}
