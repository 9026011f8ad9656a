package com.cvmbilling.renewal.server.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The auto-renewals the lifecycle job will charge between {@code from} and {@code until}, walked
 * forward in time from the current balance, without I/O. Each step is the job's own: which
 * instances auto-renew and when ({@link LifecycleSchedule}), what a renewal costs and the expiry it
 * gives ({@link RenewalPlan}, the one-instance plan the job builds), and that a debit needs the
 * whole amount in the balance. No top-ups or other changes are assumed.
 *
 * <p>A charge the balance does not cover is listed (not subtracted) and the instance is at risk:
 * the job will refuse it and isolate the instance at that expiry, so its later renewals are not
 * walked. Other instances' later charges that the balance still covers stay in.
 *
 * @param balanceFen the balance the walk starts from
 * @param shortfallTime the charge time of the first charge not covered, or null
 * @param atRiskInstanceIds the instances with a charge not covered, in the order of those charges
 */
public record RenewalForecast(
    List<Charge> charges, long balanceFen, Instant shortfallTime, List<String> atRiskInstanceIds) {

  /**
   * One auto-renewal attempt.
   *
   * @param expiry the expiry it renews
   * @param price what the job charges ({@link Price#discountFen()})
   * @param balanceAfterFen the balance after it; unchanged when not covered
   */
  public record Charge(
      String instanceId,
      Instant chargeTime,
      Instant expiry,
      int periodMonths,
      Price price,
      long balanceAfterFen,
      boolean covered) {}

  /** An instance's next attempt, while the walk is at {@code time}. */
  private record Due(Instant time, Instance instance) {}

  /** Time order; the instance id breaks ties (the job claims equal due times in no set order). */
  private static final Comparator<Due> TIME_ORDER =
      Comparator.comparing(Due::time).thenComparing(d -> d.instance().instanceId());

  /**
   * @param instances the account's instances; those the job does not auto-renew are skipped
   * @param prices the catalog versions known now: each charge is priced with the one in force at
   *     its own time, known future changes included
   * @param zone the account's billing time zone (anchor days, as the job)
   * @param from now: attempts already due are charged now, as the job's next run would
   * @param until the end of the horizon, inclusive
   */
  public static RenewalForecast of(
      Collection<Instance> instances,
      PriceSchedule prices,
      ZoneId zone,
      long balanceFen,
      Instant from,
      Instant until,
      LifecycleSchedule.Settings schedule) {
    // One pending attempt per instance at a time: memory stays at the instance count plus the
    // charges listed.
    PriorityQueue<Due> queue = new PriorityQueue<>(TIME_ORDER);
    for (Instance instance : instances) {
      if (LifecycleSchedule.autoRenews(instance)) {
        queue.add(next(instance, from, schedule));
      }
    }
    List<Charge> charges = new ArrayList<>();
    Set<String> atRisk = new LinkedHashSet<>();
    Instant shortfall = null;
    long balance = balanceFen;
    while (!queue.isEmpty() && !queue.peek().time().isAfter(until)) {
      Due due = queue.poll();
      Instance instance = due.instance();
      int months = instance.autoRenewPeriodMonths();
      RenewalPlan plan =
          RenewalPlan.of(List.of(instance), prices.at(due.time()), zone, months, null, due.time());
      RenewalPlan.Line line = plan.lines().get(0);
      long price = plan.chargeFen();
      boolean covered = balance >= price;
      if (covered) {
        balance -= price;
        queue.add(next(line.after(), due.time(), schedule));
      } else {
        if (shortfall == null) {
          shortfall = due.time();
        }
        atRisk.add(instance.instanceId());
      }
      charges.add(
          new Charge(
              instance.instanceId(),
              due.time(),
              instance.expiredTime(),
              months,
              line.totalPrice(),
              balance,
              covered));
    }
    return new RenewalForecast(List.copyOf(charges), balanceFen, shortfall, List.copyOf(atRisk));
  }

  /** The first attempt at the instance's expiry: its auto-renew window start, or now if past. */
  private static Due next(Instance instance, Instant now, LifecycleSchedule.Settings schedule) {
    Instant windowStart = LifecycleSchedule.autoRenewWindowStart(instance.expiredTime(), schedule);
    return new Due(windowStart.isAfter(now) ? windowStart : now, instance);
  }
}
