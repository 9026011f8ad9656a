package com.cvmbilling.renewal.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.BillingCalendar;
import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.AutoRenew;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Isolate;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Release;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Remind;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Reminders;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Settings;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Step;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Wait;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.testing.Tier;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pure lifecycle schedule (SPEC 3, 4): what falls due when, in the billing zone. Most tests
 * drive {@link #simulate}, which does what LifecycleService does with each step (remember the
 * reminder, renew, isolate, release, store nextDue) and checks after every step that the stored due
 * time is never in the past and never wakes the instance for nothing.
 */
@Tier.Unit
class LifecycleScheduleTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final ZoneId UTC = ZoneOffset.UTC;
  static final Duration DAY = Duration.ofDays(1);
  static final Settings DEFAULTS =
      new Settings(Duration.ofHours(24), Duration.ofDays(7), Duration.ofSeconds(60));

  /** Hourly retries keep the traces of failing auto-renewals short. */
  static final Settings HOURLY =
      new Settings(Duration.ofHours(24), Duration.ofDays(7), Duration.ofHours(1));

  // ---------------------------------------------------------------- reminders

  @Test
  void
      remindsSevenThreeAndOneLocalDaysBeforeExpiryAcrossTheFebruaryMonthEndThenIsolatesAndReleases() {
    Instant expiry = local("2027-03-01T00:00", SHANGHAI);
    Instance i = running(expiry, RenewFlag.NOTIFY_AND_MANUAL_RENEW, SHANGHAI);

    List<Fired> trace =
        simulate(
            i,
            SHANGHAI,
            local("2027-02-01T10:00", SHANGHAI),
            local("2027-03-09T00:00", SHANGHAI),
            DEFAULTS,
            t -> false);

    assertThat(trace)
        .containsExactly(
            new Fired(local("2027-02-22T00:00", SHANGHAI), "REMIND 7"),
            new Fired(local("2027-02-26T00:00", SHANGHAI), "REMIND 3"),
            new Fired(local("2027-02-28T00:00", SHANGHAI), "REMIND 1"),
            new Fired(expiry, "ISOLATE"),
            new Fired(expiry.plus(Duration.ofDays(7)), "RELEASE"));
  }

  @Test
  void inZonesWithoutDaylightSavingTheRemindersAreWholeMultiplesOf24Hours() {
    Instant expiry = local("2027-03-01T00:00", SHANGHAI); // 2027-02-28T16:00Z
    for (int days : new int[] {7, 3, 1}) {
      assertThat(LifecycleSchedule.reminderTime(expiry, days, SHANGHAI))
          .isEqualTo(LifecycleSchedule.reminderTime(expiry, days, UTC))
          .isEqualTo(expiry.minus(DAY.multipliedBy(days)));
    }
  }

  @Test
  void newYorkRemindersKeepTheLocalTimeOfDayAcrossTheSpringForward() {
    // DST starts 2027-03-14 02:00 in New York. Expiry Tue 2027-03-16 12:00 EDT = 16:00Z.
    Instant expiry = Instant.parse("2027-03-16T16:00:00Z");
    assertThat(expiry.atZone(NEW_YORK).toLocalDateTime())
        .isEqualTo(LocalDateTime.parse("2027-03-16T12:00"));

    Instance i = running(expiry, RenewFlag.NOTIFY_AND_MANUAL_RENEW, NEW_YORK);
    List<Fired> trace =
        simulate(i, NEW_YORK, Instant.parse("2027-03-01T00:00:00Z"), expiry, DEFAULTS, t -> false);

    // 12:00 local each time: 17:00Z before the change (EST), 16:00Z after it (EDT).
    assertThat(trace)
        .containsExactly(
            new Fired(Instant.parse("2027-03-09T17:00:00Z"), "REMIND 7"),
            new Fired(Instant.parse("2027-03-13T17:00:00Z"), "REMIND 3"),
            new Fired(Instant.parse("2027-03-15T16:00:00Z"), "REMIND 1"),
            new Fired(expiry, "ISOLATE"));
    // The same instant in a UTC account is reminded on whole days of 24 hours.
    assertThat(LifecycleSchedule.reminderTime(expiry, 7, UTC))
        .isEqualTo(Instant.parse("2027-03-09T16:00:00Z"));
    assertThat(LifecycleSchedule.reminderTime(expiry, 3, UTC))
        .isEqualTo(Instant.parse("2027-03-13T16:00:00Z"));
  }

  @Test
  void newYorkFallBackMakesTheOneDayReminder25HoursWhileTheAutoRenewLeadStaysAbsolute() {
    // DST ends 2027-11-07 02:00 in New York. Expiry Mon 2027-11-08 00:00 EST = 05:00Z.
    Instant expiry = Instant.parse("2027-11-08T05:00:00Z");
    Instance i = running(expiry, RenewFlag.NOTIFY_AND_AUTO_RENEW, NEW_YORK);

    List<Fired> trace =
        simulate(
            i,
            NEW_YORK,
            Instant.parse("2027-10-25T00:00:00Z"),
            Instant.parse("2027-11-09T00:00:00Z"),
            DEFAULTS,
            t -> true);

    assertThat(trace)
        .containsExactly(
            new Fired(Instant.parse("2027-11-01T04:00:00Z"), "REMIND 7"), // Mon 00:00 EDT
            new Fired(Instant.parse("2027-11-05T04:00:00Z"), "REMIND 3"), // Fri 00:00 EDT
            new Fired(
                Instant.parse("2027-11-07T04:00:00Z"),
                "REMIND 1"), // Sun 00:00 EDT, 25 h before expiry
            new Fired(
                Instant.parse("2027-11-07T05:00:00Z"),
                "AUTO_RENEWED -> 2027-12-08T05:00:00Z")); // expiry - 24 h
  }

  @Test
  void aReminderPointInsideTheSpringForwardGapIsShiftedLaterByTheGap() {
    // Expiry Wed 2027-03-17 02:30 EDT; three days earlier, Sun 2027-03-14 02:30, does not exist.
    Instant expiry = Instant.parse("2027-03-17T06:30:00Z");
    Instant threeDays = LifecycleSchedule.reminderTime(expiry, 3, NEW_YORK);
    assertThat(threeDays).isEqualTo(Instant.parse("2027-03-14T07:30:00Z")); // 03:30 EDT

    Instance i = running(expiry, RenewFlag.NOTIFY_AND_MANUAL_RENEW, NEW_YORK);
    Reminders sevenSent = new Reminders(expiry, 7);
    assertThat(
            LifecycleSchedule.dueStep(i, sevenSent, NEW_YORK, threeDays.minusMillis(1), DEFAULTS))
        .isEqualTo(new Wait());
    assertThat(
            LifecycleSchedule.nextDue(
                i, sevenSent, NEW_YORK, threeDays.minus(DAY), DEFAULTS, false))
        .isEqualTo(threeDays);
    assertThat(LifecycleSchedule.dueStep(i, sevenSent, NEW_YORK, threeDays, DEFAULTS))
        .isEqualTo(new Remind(3));
  }

  /**
   * An instance created (or first seen) late gets the latest point it missed, not the earlier ones.
   */
  @ParameterizedTest(name = "created {0} before expiry -> {1}")
  @CsvSource({
    "PT240H, REMIND 7|REMIND 3|REMIND 1",
    "PT120H, REMIND 7@0|REMIND 3|REMIND 1",
    "PT72H,  REMIND 3@0|REMIND 1",
    "PT60H,  REMIND 3@0|REMIND 1",
    "PT24H,  REMIND 1@0",
    "PT30M,  REMIND 1@0",
  })
  void aLateStartSendsOnlyTheLatestMissedReminder(Duration beforeExpiry, String expected) {
    Instant expiry = local("2027-05-31T00:00", SHANGHAI);
    Instant created = expiry.minus(beforeExpiry);
    Instance i = running(expiry, RenewFlag.NOTIFY_AND_MANUAL_RENEW, SHANGHAI);

    List<Fired> trace = simulate(i, SHANGHAI, created, expiry.minusMillis(1), DEFAULTS, t -> false);

    List<String> actual = new ArrayList<>();
    for (Fired f : trace) {
      actual.add(f.what() + (f.at().equals(created) ? "@0" : ""));
      if (!f.at().equals(created)) {
        int days = Integer.parseInt(f.what().substring("REMIND ".length()));
        assertThat(f.at()).isEqualTo(LifecycleSchedule.reminderTime(expiry, days, SHANGHAI));
      }
    }
    assertThat(String.join("|", actual)).isEqualTo(expected);
  }

  @Test
  void eachReminderIsSentOncePerExpiryCycleAndAgainForTheNextCycle() {
    Instant e1 = local("2027-06-30T00:00", SHANGHAI);
    Instance i = running(e1, RenewFlag.NOTIFY_AND_MANUAL_RENEW, SHANGHAI);
    Instant sevenBefore = e1.minus(DAY.multipliedBy(7));

    assertThat(LifecycleSchedule.dueStep(i, Reminders.NONE, SHANGHAI, sevenBefore, DEFAULTS))
        .isEqualTo(new Remind(7));
    Reminders sent7 = new Reminders(e1, 7);
    assertThat(LifecycleSchedule.dueStep(i, sent7, SHANGHAI, sevenBefore, DEFAULTS))
        .isEqualTo(new Wait());
    assertThat(
            LifecycleSchedule.dueStep(
                i, sent7, SHANGHAI, sevenBefore.plus(Duration.ofHours(50)), DEFAULTS))
        .isEqualTo(new Wait());
    assertThat(LifecycleSchedule.nextDue(i, sent7, SHANGHAI, sevenBefore, DEFAULTS, false))
        .isEqualTo(e1.minus(DAY.multipliedBy(3)));
    // Everything for e1 sent: nothing but the expiry is left.
    Reminders sent1 = new Reminders(e1, 1);
    assertThat(LifecycleSchedule.dueStep(i, sent1, SHANGHAI, e1.minusSeconds(1), DEFAULTS))
        .isEqualTo(new Wait());
    assertThat(LifecycleSchedule.nextDue(i, sent1, SHANGHAI, e1.minus(DAY), DEFAULTS, false))
        .isEqualTo(e1);

    // Renewed (manually, 2 days before e1) to e2: the record of e1's reminders does not count for
    // e2.
    Instant e2 = BillingCalendar.addMonths(e1, 1, 30, SHANGHAI);
    assertThat(e2).isEqualTo(local("2027-07-30T00:00", SHANGHAI));
    Instance renewed = withExpiry(i, e2);
    Instant now = e1.minus(DAY.multipliedBy(2));
    assertThat(LifecycleSchedule.dueStep(renewed, sent1, SHANGHAI, now, DEFAULTS))
        .isEqualTo(new Wait());
    assertThat(LifecycleSchedule.nextDue(renewed, sent1, SHANGHAI, now, DEFAULTS, false))
        .isEqualTo(local("2027-07-23T00:00", SHANGHAI));
    assertThat(
            LifecycleSchedule.dueStep(
                renewed, sent1, SHANGHAI, local("2027-07-23T00:00", SHANGHAI), DEFAULTS))
        .isEqualTo(new Remind(7));
  }

  @Test
  void disableNotifyNeverReminds() {
    Instant expiry = local("2027-03-01T00:00", SHANGHAI);
    Instance i = running(expiry, RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW, SHANGHAI);
    Instant start = expiry.minus(DAY.multipliedBy(10));

    assertThat(LifecycleSchedule.nextDue(i, Reminders.NONE, SHANGHAI, start, DEFAULTS, false))
        .isEqualTo(expiry);
    for (int days : new int[] {7, 3, 1}) {
      Instant at = LifecycleSchedule.reminderTime(expiry, days, SHANGHAI);
      assertThat(LifecycleSchedule.dueStep(i, Reminders.NONE, SHANGHAI, at, DEFAULTS))
          .isEqualTo(new Wait());
    }
    assertThat(simulate(i, SHANGHAI, start, expiry, DEFAULTS, t -> false))
        .containsExactly(new Fired(expiry, "ISOLATE"));
  }

  // ---------------------------------------------------------------- auto-renew

  @Test
  void autoRenewWindowOpensExactlyAtExpiryMinusLead() {
    Instant expiry = local("2027-04-15T09:30", SHANGHAI);
    Instance i = running(expiry, RenewFlag.NOTIFY_AND_AUTO_RENEW, SHANGHAI);
    Reminders allSent = new Reminders(expiry, 1);
    Instant windowStart = expiry.minus(Duration.ofHours(24));

    assertThat(
            LifecycleSchedule.nextDue(
                i, allSent, SHANGHAI, expiry.minus(Duration.ofHours(30)), DEFAULTS, false))
        .isEqualTo(windowStart);
    assertThat(
            LifecycleSchedule.dueStep(i, allSent, SHANGHAI, windowStart.minusMillis(1), DEFAULTS))
        .isEqualTo(new Wait());
    assertThat(LifecycleSchedule.dueStep(i, allSent, SHANGHAI, windowStart, DEFAULTS))
        .isEqualTo(new AutoRenew(false));
    assertThat(LifecycleSchedule.dueStep(i, allSent, SHANGHAI, expiry.minusMillis(1), DEFAULTS))
        .isEqualTo(new AutoRenew(false));

    // Another lead: 36 hours.
    Settings lead36 =
        new Settings(Duration.ofHours(36), DEFAULTS.retention(), DEFAULTS.retryInterval());
    assertThat(
            LifecycleSchedule.nextDue(
                i, allSent, SHANGHAI, expiry.minus(DAY.multipliedBy(2)), lead36, false))
        .isEqualTo(expiry.minus(Duration.ofHours(36)));
    assertThat(
            LifecycleSchedule.dueStep(
                i, allSent, SHANGHAI, expiry.minus(Duration.ofHours(36)), lead36))
        .isEqualTo(new AutoRenew(false));

    // Lead 0: the only attempt is at expiry, and a failure there isolates.
    Settings lead0 = new Settings(Duration.ZERO, DEFAULTS.retention(), DEFAULTS.retryInterval());
    assertThat(LifecycleSchedule.nextDue(i, allSent, SHANGHAI, expiry.minus(DAY), lead0, false))
        .isEqualTo(expiry);
    assertThat(LifecycleSchedule.dueStep(i, allSent, SHANGHAI, expiry.minusMillis(1), lead0))
        .isEqualTo(new Wait());
    assertThat(LifecycleSchedule.dueStep(i, allSent, SHANGHAI, expiry, lead0))
        .isEqualTo(new AutoRenew(true));
  }

  @Test
  void aDueReminderGoesBeforeTheAutoRenewAttemptAtTheSameInstant() {
    // Shanghai has no DST: the 1-day reminder and the 24 h window start coincide.
    Instant expiry = local("2027-04-15T00:00", SHANGHAI);
    Instance i = running(expiry, RenewFlag.NOTIFY_AND_AUTO_RENEW, SHANGHAI);
    Instant windowStart = expiry.minus(Duration.ofHours(24));
    Reminders sent3 = new Reminders(expiry, 3);

    assertThat(LifecycleSchedule.dueStep(i, sent3, SHANGHAI, windowStart, DEFAULTS))
        .isEqualTo(new Remind(1));
    Reminders sent1 = new Reminders(expiry, 1);
    // Just reminded: the attempt is due at once, not one retry interval later.
    assertThat(LifecycleSchedule.nextDue(i, sent1, SHANGHAI, windowStart, DEFAULTS, false))
        .isEqualTo(windowStart);
    assertThat(LifecycleSchedule.dueStep(i, sent1, SHANGHAI, windowStart, DEFAULTS))
        .isEqualTo(new AutoRenew(false));
  }

  @Test
  void aFailedAttemptIsRetriedOneIntervalLaterButNeverLaterThanExpiry() {
    Instant expiry = local("2027-04-15T00:00", SHANGHAI);
    Instance i = running(expiry, RenewFlag.NOTIFY_AND_AUTO_RENEW, SHANGHAI);
    Reminders allSent = new Reminders(expiry, 1);
    Instant windowStart = expiry.minus(Duration.ofHours(24));

    assertThat(LifecycleSchedule.nextDue(i, allSent, SHANGHAI, windowStart, DEFAULTS, true))
        .isEqualTo(windowStart.plusSeconds(60));
    assertThat(
            LifecycleSchedule.nextDue(
                i, allSent, SHANGHAI, expiry.minusSeconds(61), DEFAULTS, true))
        .isEqualTo(expiry.minusSeconds(1));
    assertThat(
            LifecycleSchedule.nextDue(
                i, allSent, SHANGHAI, expiry.minusSeconds(30), DEFAULTS, true))
        .isEqualTo(expiry);
    assertThat(LifecycleSchedule.dueStep(i, allSent, SHANGHAI, expiry, DEFAULTS))
        .isEqualTo(new AutoRenew(true));
  }

  @Test
  void anUnpaidAutoRenewIsRetriedEachIntervalUntilExpiryThenFailsAndIsolates() {
    Instant expiry = local("2027-04-15T00:00", SHANGHAI);
    Instance i = running(expiry, RenewFlag.NOTIFY_AND_AUTO_RENEW, SHANGHAI);

    List<Fired> trace =
        simulate(
            i, SHANGHAI, expiry.minus(DAY.multipliedBy(2)), expiry.plus(DAY), HOURLY, t -> false);

    List<Fired> expected = new ArrayList<>();
    expected.add(
        new Fired(
            expiry.minus(DAY.multipliedBy(2)), "REMIND 3")); // missed point, caught up at once
    expected.add(new Fired(expiry.minus(DAY), "REMIND 1"));
    for (int h = 24; h >= 1; h--) {
      expected.add(new Fired(expiry.minus(Duration.ofHours(h)), "ATTEMPT FAILED"));
    }
    expected.add(new Fired(expiry, "AUTO_RENEW_FAILED"));
    expected.add(new Fired(expiry, "ISOLATE"));
    assertThat(trace).containsExactlyElementsOf(expected);
  }

  @Test
  void anAttemptThatSucceedsAfterEarlierFailuresRenewsFromTheOldExpiry() {
    Instant expiry = local("2027-04-15T00:00", SHANGHAI);
    Instance i = running(expiry, RenewFlag.NOTIFY_AND_AUTO_RENEW, SHANGHAI);
    Instant paidFrom = expiry.minus(Duration.ofHours(20)).plusSeconds(1); // topped up in between

    List<Fired> trace =
        simulate(
            i, SHANGHAI, expiry.minus(DAY), expiry.plus(DAY), HOURLY, t -> !t.isBefore(paidFrom));

    assertThat(trace)
        .containsExactly(
            new Fired(expiry.minus(DAY), "REMIND 1"),
            new Fired(expiry.minus(Duration.ofHours(24)), "ATTEMPT FAILED"),
            new Fired(expiry.minus(Duration.ofHours(23)), "ATTEMPT FAILED"),
            new Fired(expiry.minus(Duration.ofHours(22)), "ATTEMPT FAILED"),
            new Fired(expiry.minus(Duration.ofHours(21)), "ATTEMPT FAILED"),
            new Fired(expiry.minus(Duration.ofHours(20)), "ATTEMPT FAILED"),
            new Fired(
                expiry.minus(Duration.ofHours(19)),
                "AUTO_RENEWED -> " + local("2027-05-15T00:00", SHANGHAI)));
  }

  @Test
  void monthlyAutoRenewFromTheThirtyFirstFollowsTheAnchorDayThroughAYearInShanghai() {
    // Jan 31 00:00 local; 2028 is a leap year.
    Instant expiry = local("2028-01-31T00:00", SHANGHAI);
    Instance i = running(expiry, RenewFlag.NOTIFY_AND_AUTO_RENEW, SHANGHAI);

    List<Fired> trace =
        simulate(
            i,
            SHANGHAI,
            local("2028-01-01T00:00", SHANGHAI),
            local("2028-12-31T00:00", SHANGHAI),
            DEFAULTS,
            t -> true);

    List<Instant> renewedAt =
        trace.stream().filter(f -> f.what().startsWith("AUTO_RENEWED")).map(Fired::at).toList();
    List<String> renewedTo =
        trace.stream()
            .filter(f -> f.what().startsWith("AUTO_RENEWED"))
            .map(
                f ->
                    Instant.parse(f.what().substring("AUTO_RENEWED -> ".length()))
                        .atZone(SHANGHAI)
                        .toLocalDate()
                        .toString())
            .toList();
    assertThat(renewedTo)
        .containsExactly(
            "2028-02-29",
            "2028-03-31",
            "2028-04-30",
            "2028-05-31",
            "2028-06-30",
            "2028-07-31",
            "2028-08-31",
            "2028-09-30",
            "2028-10-31",
            "2028-11-30",
            "2028-12-31",
            "2029-01-31");
    // Each attempt exactly 24 h before the expiry it renews.
    List<Instant> expiries = new ArrayList<>();
    expiries.add(expiry);
    renewedTo
        .subList(0, renewedTo.size() - 1)
        .forEach(d -> expiries.add(local(d + "T00:00", SHANGHAI)));
    assertThat(renewedAt)
        .containsExactlyElementsOf(expiries.stream().map(e -> e.minus(DAY)).toList());
    // Three reminders per cycle, none twice.
    assertThat(trace.stream().filter(f -> f.what().startsWith("REMIND")).count()).isEqualTo(36);
  }

  @Test
  void atExpiryAutoRenewGetsALastAttemptWhileManualFlagsIsolateAndReminderCatchUpWaits() {
    Instant expiry = local("2027-04-15T00:00", SHANGHAI);
    for (Instant now : List.of(expiry, expiry.plus(Duration.ofHours(5)))) {
      // Even with no reminder sent yet: the expiry step wins.
      assertThat(
              LifecycleSchedule.dueStep(
                  running(expiry, RenewFlag.NOTIFY_AND_AUTO_RENEW, SHANGHAI),
                  Reminders.NONE,
                  SHANGHAI,
                  now,
                  DEFAULTS))
          .isEqualTo(new AutoRenew(true));
      assertThat(
              LifecycleSchedule.dueStep(
                  running(expiry, RenewFlag.NOTIFY_AND_MANUAL_RENEW, SHANGHAI),
                  Reminders.NONE,
                  SHANGHAI,
                  now,
                  DEFAULTS))
          .isEqualTo(new Isolate());
      assertThat(
              LifecycleSchedule.dueStep(
                  running(expiry, RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW, SHANGHAI),
                  Reminders.NONE,
                  SHANGHAI,
                  now,
                  DEFAULTS))
          .isEqualTo(new Isolate());
    }
  }

  // ---------------------------------------------------------------- isolation, release, nothing
  // due

  @Test
  void anIsolatedInstanceIsReleasedExactlyRetentionAfterIsolation() {
    Instant expiry = local("2027-04-15T00:00", SHANGHAI);
    Instant isolatedAt = expiry.plusSeconds(42); // the job ran a little late
    Instance i = isolated(running(expiry, RenewFlag.NOTIFY_AND_AUTO_RENEW, SHANGHAI), isolatedAt);

    assertThat(LifecycleSchedule.nextDue(i, Reminders.NONE, SHANGHAI, isolatedAt, DEFAULTS, false))
        .isEqualTo(isolatedAt.plus(Duration.ofDays(7)));
    assertThat(
            LifecycleSchedule.dueStep(
                i,
                Reminders.NONE,
                SHANGHAI,
                isolatedAt.plus(Duration.ofDays(7)).minusMillis(1),
                DEFAULTS))
        .isEqualTo(new Wait());
    assertThat(
            LifecycleSchedule.dueStep(
                i, Reminders.NONE, SHANGHAI, isolatedAt.plus(Duration.ofDays(7)), DEFAULTS))
        .isEqualTo(new Release());

    Settings oneHour =
        new Settings(DEFAULTS.autoRenewLead(), Duration.ofHours(1), DEFAULTS.retryInterval());
    assertThat(LifecycleSchedule.nextDue(i, Reminders.NONE, SHANGHAI, isolatedAt, oneHour, false))
        .isEqualTo(isolatedAt.plus(Duration.ofHours(1)));
  }

  @Test
  void postpaidAndReleasedInstancesHaveNothingDueEver() {
    Instant now = Instant.parse("2027-04-15T00:00:00Z");
    Instance postpaid =
        new Instance(
            "ins-postpaid",
            "acc-test0001",
            "S5.SMALL2",
            ChargeType.POSTPAID_BY_HOUR,
            InstanceState.RUNNING,
            now.minus(DAY),
            null,
            null,
            null,
            null,
            RenewFlag.NOTIFY_AND_AUTO_RENEW,
            1,
            1,
            1);
    Instant expiry = now.minus(DAY.multipliedBy(30));
    Instance released =
        new Instance(
            "ins-released",
            "acc-test0001",
            "S5.SMALL2",
            ChargeType.PREPAID,
            InstanceState.RELEASED,
            now.minus(DAY.multipliedBy(60)),
            expiry,
            15,
            expiry,
            expiry.plus(DAY.multipliedBy(7)),
            RenewFlag.NOTIFY_AND_AUTO_RENEW,
            1,
            1,
            3);
    for (Instance i : List.of(postpaid, released)) {
      for (Instant t : List.of(now, expiry, expiry.minus(DAY), now.plus(DAY.multipliedBy(400)))) {
        assertThat(LifecycleSchedule.dueStep(i, Reminders.NONE, SHANGHAI, t, DEFAULTS))
            .isEqualTo(new Wait());
        assertThat(LifecycleSchedule.nextDue(i, Reminders.NONE, SHANGHAI, t, DEFAULTS, false))
            .isNull();
        assertThat(LifecycleSchedule.nextDue(i, Reminders.NONE, SHANGHAI, t, DEFAULTS, true))
            .isNull();
      }
    }
  }

  /**
   * Random instances, zones (including Lord Howe's 30-minute DST), leads, start times and payment
   * outcomes: every run keeps the invariants {@link #simulate} checks, sends each reminder of a
   * cycle at most once, in 7-3-1 order, at or after its point and before expiry, none with
   * DISABLE_NOTIFY, and ends with renewals or with isolation at expiry.
   */
  @Test
  void randomisedSchedulesKeepTheInvariants() {
    Random random = new Random(20270115L);
    List<ZoneId> zones =
        List.of(
            SHANGHAI,
            UTC,
            NEW_YORK,
            ZoneId.of("Europe/London"),
            ZoneId.of("Australia/Lord_Howe"),
            ZoneId.of("America/Santiago"));
    RenewFlag[] flags = RenewFlag.values();
    for (int run = 0; run < 400; run++) {
      ZoneId zone = zones.get(random.nextInt(zones.size()));
      RenewFlag flag = flags[random.nextInt(flags.length)];
      Instant expiry =
          Instant.parse("2027-01-01T00:00:00Z").plusSeconds(random.nextInt(2 * 365 * 86_400));
      Duration lead = Duration.ofMinutes(random.nextInt(10 * 24 * 60));
      Settings settings =
          new Settings(
              lead,
              Duration.ofHours(1 + random.nextInt(300)),
              Duration.ofMinutes(1 + random.nextInt(240)));
      Instant start = expiry.minus(Duration.ofMinutes(random.nextInt(12 * 24 * 60)));
      Instant paidFrom = random.nextBoolean() ? start : expiry.plus(DAY.multipliedBy(1000));
      Instant until = expiry.plus(DAY.multipliedBy(40));
      Instance i = running(expiry, flag, zone);
      String context =
          "run "
              + run
              + ": "
              + zone
              + " "
              + flag
              + " expiry "
              + expiry
              + " lead "
              + lead
              + " start "
              + start
              + " paid from "
              + paidFrom;

      List<Fired> trace = simulate(i, zone, start, until, settings, t -> !t.isBefore(paidFrom));

      Map<Instant, List<Integer>> remindersPerCycle = new LinkedHashMap<>();
      Instant cycle = expiry;
      boolean isolated = false;
      for (Fired f : trace) {
        assertThat(isolated && !f.what().equals("RELEASE"))
            .as(context + ": step after isolation: " + f)
            .isFalse();
        if (f.what().startsWith("REMIND")) {
          int days = Integer.parseInt(f.what().substring(7));
          assertThat(flag).as(context).isNotEqualTo(RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW);
          assertThat(f.at())
              .as(context)
              .isAfterOrEqualTo(LifecycleSchedule.reminderTime(cycle, days, zone))
              .isBefore(cycle);
          List<Integer> sent = remindersPerCycle.computeIfAbsent(cycle, c -> new ArrayList<>());
          assertThat(sent.isEmpty() || sent.get(sent.size() - 1) > days)
              .as(context + " " + sent + " then " + days)
              .isTrue();
          sent.add(days);
        } else if (f.what().startsWith("AUTO_RENEWED")) {
          assertThat(flag).as(context).isEqualTo(RenewFlag.NOTIFY_AND_AUTO_RENEW);
          assertThat(f.at())
              .as(context)
              .isAfterOrEqualTo(cycle.minus(lead))
              .isAfterOrEqualTo(start)
              .isBeforeOrEqualTo(cycle);
          cycle = Instant.parse(f.what().substring("AUTO_RENEWED -> ".length()));
        } else if (f.what().equals("ISOLATE")) {
          assertThat(f.at()).as(context).isEqualTo(cycle);
          isolated = true;
        }
      }
      if (flag != RenewFlag.NOTIFY_AND_AUTO_RENEW || paidFrom.isAfter(until)) {
        assertThat(isolated).as(context).isTrue();
      } else {
        assertThat(isolated).as(context).isFalse();
      }
    }
  }

  // ---------------------------------------------------------------- simulation

  record Fired(Instant at, String what) {}

  /**
   * Runs the schedule like LifecycleService does (with AdvanceTime's exact due instants) from
   * {@code from} (the instance was just created or changed: due at once) through {@code until}.
   * Checks on the way that a stored due time is never before the step that stored it, and that
   * waking at it always has something to do.
   */
  static List<Fired> simulate(
      Instance instance,
      ZoneId zone,
      Instant from,
      Instant until,
      Settings settings,
      Predicate<Instant> canPay) {
    List<Fired> trace = new ArrayList<>();
    Reminders reminders = Reminders.NONE;
    Instance i = instance;
    Instant due = from;
    for (int guard = 0; due != null && !due.isAfter(until); guard++) {
      assertThat(guard).as("runaway schedule").isLessThan(100_000);
      Instant now = due;
      Step step = LifecycleSchedule.dueStep(i, reminders, zone, now, settings);
      boolean failed = false;
      if (step instanceof Remind r) {
        trace.add(new Fired(now, "REMIND " + r.daysBefore()));
        reminders = new Reminders(i.expiredTime(), r.daysBefore());
      } else if (step instanceof Isolate) {
        trace.add(new Fired(now, "ISOLATE"));
        i = isolated(i, now);
      } else if (step instanceof Release) {
        trace.add(new Fired(now, "RELEASE"));
        i =
            new Instance(
                i.instanceId(),
                i.accountId(),
                i.instanceType(),
                i.chargeType(),
                InstanceState.RELEASED,
                i.createdTime(),
                i.expiredTime(),
                i.expiryAnchorDay(),
                i.isolatedTime(),
                now,
                i.renewFlag(),
                i.autoRenewPeriodMonths(),
                i.bandwidthMbps(),
                i.version() + 1);
      } else if (step instanceof AutoRenew a) {
        if (canPay.test(now)) {
          Instant renewed =
              BillingCalendar.addMonths(
                  i.expiredTime(), i.autoRenewPeriodMonths(), i.expiryAnchorDay(), zone);
          trace.add(new Fired(now, "AUTO_RENEWED -> " + renewed));
          i = withExpiry(i, renewed);
        } else if (a.atExpiry()) {
          trace.add(new Fired(now, "AUTO_RENEW_FAILED"));
          trace.add(new Fired(now, "ISOLATE"));
          i = isolated(i, now);
        } else {
          trace.add(new Fired(now, "ATTEMPT FAILED"));
          failed = true;
        }
      }
      Instant next = LifecycleSchedule.nextDue(i, reminders, zone, now, settings, failed);
      if (next != null) {
        if (step instanceof Wait || failed) {
          assertThat(next).as("after %s at %s", step, now).isAfter(now);
        } else {
          assertThat(next).as("after %s at %s", step, now).isAfterOrEqualTo(now);
        }
        assertThat(LifecycleSchedule.dueStep(i, reminders, zone, next, settings))
            .as("woken at %s (after %s at %s) for nothing", next, step, now)
            .isNotInstanceOf(Wait.class);
      }
      due = next;
    }
    return trace;
  }

  static Instant local(String localDateTime, ZoneId zone) {
    return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
  }

  static Instance running(Instant expiry, RenewFlag flag, ZoneId zone) {
    return new Instance(
        "ins-abcd1234",
        "acc-test0001",
        "S5.SMALL2",
        ChargeType.PREPAID,
        InstanceState.RUNNING,
        expiry.minus(Duration.ofDays(365)),
        expiry,
        BillingCalendar.anchorDayOf(expiry, zone),
        null,
        null,
        flag,
        1,
        1,
        1);
  }

  static Instance withExpiry(Instance i, Instant expiry) {
    return new Instance(
        i.instanceId(),
        i.accountId(),
        i.instanceType(),
        i.chargeType(),
        InstanceState.RUNNING,
        i.createdTime(),
        expiry,
        i.expiryAnchorDay(),
        null,
        null,
        i.renewFlag(),
        i.autoRenewPeriodMonths(),
        i.bandwidthMbps(),
        i.version() + 1);
  }

  static Instance isolated(Instance i, Instant at) {
    return new Instance(
        i.instanceId(),
        i.accountId(),
        i.instanceType(),
        i.chargeType(),
        InstanceState.ISOLATED,
        i.createdTime(),
        i.expiredTime(),
        i.expiryAnchorDay(),
        at,
        null,
        i.renewFlag(),
        i.autoRenewPeriodMonths(),
        i.bandwidthMbps(),
        i.version() + 1);
  }
}
