package com.cvmbilling.renewal.server.domain;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Calendar rules of SPEC section 5. Instants are absolute; every day boundary (anchor day, unified
 * expiry day, day counts) is taken in the account's billing time zone.
 */
public final class BillingCalendar {
  private BillingCalendar() {}

  /** The day of month (1..31) of {@code expiry} in {@code zone}: the instance's anchor day. */
  public static int anchorDayOf(Instant expiry, ZoneId zone) {
    return expiry.atZone(zone).getDayOfMonth();
  }

  /**
   * {@code expiry} moved {@code months} calendar months forward in {@code zone}: the day of month
   * is {@code min(anchorDay, length of the target month)} and the local time of day is kept. The
   * day always comes from the anchor, never from the clamped expiry, so anchor 31 gives Jan 31 ->
   * Feb 28 -> Mar 31 without drift. A local time that falls into a DST gap or overlap is resolved
   * as {@link ZonedDateTime#ofLocal} does with no preferred offset (gap: shifted later by the gap
   * length; overlap: the earlier offset).
   *
   * @param months number of months to add, {@code >= 0}
   * @param anchorDay 1..31
   */
  public static Instant addMonths(Instant expiry, int months, int anchorDay, ZoneId zone) {
    Objects.requireNonNull(expiry, "expiry");
    Objects.requireNonNull(zone, "zone");
    if (anchorDay < 1 || anchorDay > 31) {
      throw new IllegalArgumentException("anchorDay must be 1..31: " + anchorDay);
    }
    if (months < 0) {
      throw new IllegalArgumentException("months must not be negative: " + months);
    }
    LocalDateTime local = expiry.atZone(zone).toLocalDateTime();
    YearMonth target = YearMonth.from(local).plusMonths(months);
    int day = Math.min(anchorDay, target.lengthOfMonth());
    LocalDateTime moved = target.atDay(day).atTime(local.toLocalTime());
    return ZonedDateTime.ofLocal(moved, zone, null).toInstant();
  }

  /**
   * The first instant that is the start (00:00 local) of day {@code expiryDay} of some month in
   * {@code zone} and is not before {@code currentExpiry}. If {@code currentExpiry} is exactly such
   * an instant it is returned unchanged. In the rare zones where a DST gap swallows midnight, the
   * start of the day is the first local time after the gap (as {@link LocalDate#atStartOfDay}).
   *
   * @param expiryDay 1..28 (every month has it)
   * @throws ApiException {@code INVALID_EXPIRY_DAY} on field {@code expiry_day} otherwise
   */
  public static Instant unifiedExpiry(Instant currentExpiry, int expiryDay, ZoneId zone) {
    Objects.requireNonNull(currentExpiry, "currentExpiry");
    Objects.requireNonNull(zone, "zone");
    if (expiryDay < 1 || expiryDay > 28) {
      throw invalidExpiryDay(expiryDay);
    }
    LocalDate local = currentExpiry.atZone(zone).toLocalDate();
    Instant candidate = local.withDayOfMonth(expiryDay).atStartOfDay(zone).toInstant();
    if (candidate.isBefore(currentExpiry)) {
      // The day of this month is already past: the same day of the next month is always after
      // the current expiry, because the current expiry lies within this local month.
      candidate =
          local
              .withDayOfMonth(1)
              .plusMonths(1)
              .withDayOfMonth(expiryDay)
              .atStartOfDay(zone)
              .toInstant();
    }
    return candidate;
  }

  /**
   * Local calendar days from {@code from} to {@code to} in {@code zone}, a started day counting as
   * a whole one; 0 if {@code to} is not after {@code from}. Counted on local date-times, so a day
   * with a DST change (23 or 25 hours) is still one day: full days between the two local
   * date-times, plus one if anything remains. An interval that is positive in absolute time but not
   * in local time (inside a DST fall-back overlap) counts as 1.
   */
  public static long wholeDaysRoundedUp(Instant from, Instant to, ZoneId zone) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(zone, "zone");
    if (!to.isAfter(from)) {
      return 0;
    }
    LocalDateTime start = from.atZone(zone).toLocalDateTime();
    LocalDateTime end = to.atZone(zone).toLocalDateTime();
    long days = ChronoUnit.DAYS.between(start, end);
    if (days < 0) {
      days = 0;
    }
    if (start.plusDays(days).isBefore(end)) {
      days++;
    }
    return Math.max(days, 1);
  }

  /** Days an expiry is moved forward (for the unified expiry charge), rounded up. */
  public static long extensionDays(Instant oldExpiry, Instant newExpiry, ZoneId zone) {
    return wholeDaysRoundedUp(oldExpiry, newExpiry, zone);
  }

  /** Days left until expiry (for the bandwidth upgrade charge), rounded up; 0 once expired. */
  public static long remainingDays(Instant now, Instant expiry, ZoneId zone) {
    return wholeDaysRoundedUp(now, expiry, zone);
  }

  static ApiException invalidExpiryDay(int day) {
    String msg = "expiry_day must be 1 to 28; got " + day;
    return ApiException.of(ErrorReason.INVALID_EXPIRY_DAY, msg)
        .meta("expiryDay", Integer.toString(day))
        .field("expiry_day", msg)
        .build();
  }
}
