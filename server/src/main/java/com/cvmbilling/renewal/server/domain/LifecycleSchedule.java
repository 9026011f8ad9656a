package com.cvmbilling.renewal.server.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * When the lifecycle job must act on an instance, and what it must do then (SPEC 4). Pure: the job
 * asks {@link #dueStep} when an instance's stored due time has come, performs that one step, then
 * stores {@link #nextDue} as the new due time.
 *
 * <p>Order of precedence at one instant: expiry (last auto-renew attempt, else isolation), then a
 * reminder, then an auto-renew attempt inside the lead window. A reminder therefore never hides
 * behind a failing auto-renew retry.
 */
public final class LifecycleSchedule {
  /** Reminder points, in days before expiry, earliest first. */
  static final int[] REMINDER_DAYS = {7, 3, 1};

  private LifecycleSchedule() {}

  /**
   * @param autoRenewLead auto-renew is first attempted this long before expiry
   * @param retention an isolated instance is released this long after isolation
   * @param retryInterval a failed auto-renew attempt is retried this much later (until expiry)
   */
  public record Settings(Duration autoRenewLead, Duration retention, Duration retryInterval) {}

  /**
   * Which reminders were already sent: for the expiry cycle {@code expiry}, every reminder point of
   * {@code daysBefore} days or more. A different expiry means none yet.
   */
  public record Reminders(Instant expiry, Integer daysBefore) {
    public static final Reminders NONE = new Reminders(null, null);

    boolean sent(Instant currentExpiry, int days) {
      return expiry != null
          && expiry.equals(currentExpiry)
          && daysBefore != null
          && days >= daysBefore;
    }
  }

  /** What to do now. */
  public sealed interface Step {}

  /** Nothing is due; only store the next due time. */
  public record Wait() implements Step {}

  public record Remind(int daysBefore) implements Step {}

  /** Try to renew from the balance; {@code atExpiry}: on failure, isolate now. */
  public record AutoRenew(boolean atExpiry) implements Step {}

  /** Expired without auto-renew: isolate. */
  public record Isolate() implements Step {}

  public record Release() implements Step {}

  public static Step dueStep(
      Instance instance, Reminders reminders, ZoneId zone, Instant now, Settings settings) {
    if (!instance.isPrepaid() || instance.state() == InstanceState.RELEASED) {
      return new Wait();
    }
    if (instance.state() == InstanceState.ISOLATED) {
      Instant releaseAt = releaseTime(instance, settings);
      return !now.isBefore(releaseAt) ? new Release() : new Wait();
    }
    Instant expiry = instance.expiredTime();
    boolean auto = autoRenews(instance);
    if (!now.isBefore(expiry)) {
      return auto ? new AutoRenew(true) : new Isolate();
    }
    Integer reminder = dueReminder(instance, reminders, zone, now);
    if (reminder != null) {
      return new Remind(reminder);
    }
    if (auto && !now.isBefore(autoRenewWindowStart(expiry, settings))) {
      return new AutoRenew(false);
    }
    return new Wait();
  }

  /**
   * The next instant anything is due, strictly after {@code now} unless something is already due;
   * null when nothing will ever be (released, postpaid).
   *
   * @param lastAttemptFailed an auto-renew attempt just failed at {@code now}: retry later
   */
  public static Instant nextDue(
      Instance instance,
      Reminders reminders,
      ZoneId zone,
      Instant now,
      Settings settings,
      boolean lastAttemptFailed) {
    if (!instance.isPrepaid() || instance.state() == InstanceState.RELEASED) {
      return null;
    }
    if (instance.state() == InstanceState.ISOLATED) {
      return releaseTime(instance, settings);
    }
    Instant expiry = instance.expiredTime();
    Instant next = expiry;
    Instant reminder = nextReminderTime(instance, reminders, zone, now);
    if (reminder != null && reminder.isBefore(next)) {
      next = reminder;
    }
    if (autoRenews(instance)) {
      Instant windowStart = autoRenewWindowStart(expiry, settings);
      Instant attempt =
          now.isBefore(windowStart)
              ? windowStart
              : lastAttemptFailed ? now.plus(settings.retryInterval()) : now;
      if (attempt.isBefore(next)) {
        next = attempt;
      }
    }
    return next;
  }

  /**
   * Whether the job auto-renews the instance at its expiry: prepaid, RUNNING, flag {@code
   * NOTIFY_AND_AUTO_RENEW}. An isolated instance is only waiting to be released.
   */
  public static boolean autoRenews(Instance instance) {
    return instance.isPrepaid()
        && instance.state() == InstanceState.RUNNING
        && instance.renewFlag() == RenewFlag.NOTIFY_AND_AUTO_RENEW;
  }

  /** The first instant the job tries to auto-renew an expiry: the auto-renew lead before it. */
  public static Instant autoRenewWindowStart(Instant expiry, Settings settings) {
    return expiry.minus(settings.autoRenewLead());
  }

  /** The reminder to send now: the nearest passed, unsent reminder point before expiry. */
  static Integer dueReminder(Instance instance, Reminders reminders, ZoneId zone, Instant now) {
    if (!notifies(instance.renewFlag())) {
      return null;
    }
    Instant expiry = instance.expiredTime();
    Integer due = null;
    for (int days : REMINDER_DAYS) {
      if (!now.isBefore(reminderTime(expiry, days, zone)) && !reminders.sent(expiry, days)) {
        due = days; // later points (smaller days) override earlier ones that were missed
      }
    }
    return due;
  }

  /** The time of the next reminder not sent yet and not yet passed, or null. */
  static Instant nextReminderTime(
      Instance instance, Reminders reminders, ZoneId zone, Instant now) {
    if (!notifies(instance.renewFlag())) {
      return null;
    }
    Instant expiry = instance.expiredTime();
    for (int days : REMINDER_DAYS) {
      Instant at = reminderTime(expiry, days, zone);
      if (at.isAfter(now) && !reminders.sent(expiry, days) && at.isBefore(expiry)) {
        return at;
      }
    }
    return null;
  }

  /** {@code days} calendar days before expiry, same local time, in the billing zone. */
  public static Instant reminderTime(Instant expiry, int days, ZoneId zone) {
    return expiry.atZone(zone).minusDays(days).toInstant();
  }

  static Instant releaseTime(Instance instance, Settings settings) {
    return instance.isolatedTime().plus(settings.retention());
  }

  private static boolean notifies(RenewFlag flag) {
    return flag == RenewFlag.NOTIFY_AND_MANUAL_RENEW || flag == RenewFlag.NOTIFY_AND_AUTO_RENEW;
  }
}
