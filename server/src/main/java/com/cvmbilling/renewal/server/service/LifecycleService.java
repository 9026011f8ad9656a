package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.config.LifecycleSettings;
import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.domain.EventType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Reminders;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Settings;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule.Step;
import com.cvmbilling.renewal.server.domain.PriceCatalog;
import com.cvmbilling.renewal.server.domain.RenewalPlan;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.DueInstance;
import com.cvmbilling.renewal.server.persistence.EventStore;
import com.cvmbilling.renewal.server.persistence.InstanceStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.support.IdGenerator;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle job (SPEC 4): reminders, auto-renew, isolation at expiry, release after retention.
 * Safe on any number of replicas at once: a batch of due instances is claimed with row locks
 * ({@code FOR UPDATE SKIP LOCKED}) and processed, rescheduled and committed in one transaction, so
 * each due step is done exactly once; a replica that dies mid-batch commits nothing and its rows
 * are free again at once. The auto-renew charge is additionally unique per (instance, old expiry)
 * in the database.
 */
@Singleton
public class LifecycleService {
  private static final Logger log = LoggerFactory.getLogger(LifecycleService.class);

  private final Transactions tx;
  private final InstanceStore instances;
  private final EventStore events;
  private final Ledger ledger;
  private final PriceService prices;
  private final IdGenerator ids;
  private final Settings settings;
  private final int batchSize;

  /** One run at a time per process: the periodic runner and AdvanceTime never interleave. */
  private final ReentrantLock runLock = new ReentrantLock();

  private final AtomicLong stepsDone = new AtomicLong();

  /**
   * Steps by kind (reminder, auto_renew, auto_renew_retry, auto_renew_failed, isolate, release).
   */
  private final Map<String, AtomicLong> stepCounts = new ConcurrentHashMap<>();

  private volatile boolean stopping;

  @Inject
  public LifecycleService(
      Transactions tx,
      InstanceStore instances,
      EventStore events,
      Ledger ledger,
      PriceService prices,
      IdGenerator ids,
      Settings settings,
      LifecycleSettings lifecycleSettings) {
    this.tx = tx;
    this.instances = instances;
    this.events = events;
    this.ledger = ledger;
    this.prices = prices;
    this.ids = ids;
    this.settings = settings;
    this.batchSize = lifecycleSettings.batchSize();
  }

  /** Steps performed by this process since start (reminders, renewals, isolations, releases). */
  public long stepsDone() {
    return stepsDone.get();
  }

  /** Steps performed by this process since start, by kind (for metrics). */
  public Map<String, Long> stepCounts() {
    Map<String, Long> out = new TreeMap<>();
    stepCounts.forEach((kind, n) -> out.put(kind, n.get()));
    return out;
  }

  private void counted(String kind) {
    stepCounts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  /**
   * Processes everything due at {@code now}, batch by batch, until nothing is due (or the process
   * is stopping: each batch commits whole, so stopping between batches loses nothing).
   */
  public int runDue(Instant now) {
    runLock.lock();
    try {
      int steps = 0;
      while (!stopping) {
        Batch batch = processBatch(now);
        steps += batch.steps();
        if (batch.claimed() == 0) {
          break;
        }
      }
      return steps;
    } finally {
      runLock.unlock();
    }
  }

  /** Makes runs end after their current batch; called at shutdown. */
  public void stop() {
    stopping = true;
  }

  /** The earliest due time of any instance, or null. */
  public Instant earliestDue() {
    return tx.inTransaction(() -> instances.earliestDue());
  }

  /**
   * The earliest real due time (ignoring the "re-evaluate now" marker), or null: for lag metrics.
   */
  public Instant earliestScheduledDue() {
    return tx.inTransaction(() -> instances.earliestScheduledDue());
  }

  /**
   * Runs every step that falls due up to {@code target}, in time order: the clock is moved to each
   * due instant in turn and everything due then is processed before moving on.
   */
  public long advanceTo(TestClock clock, Instant target) {
    return advance(clock, now -> target);
  }

  /** Like {@link #advanceTo}, the target computed from the clock once this run holds the lock. */
  public long advance(TestClock clock, java.util.function.UnaryOperator<Instant> targetFromNow) {
    runLock.lock();
    try {
      Instant target = targetFromNow.apply(clock.instant());
      if (target.isBefore(clock.instant())) {
        clock.set(target); // refuses with INVALID_TIME_ADVANCE
      }
      long steps = 0;
      while (true) {
        Instant next = earliestDue();
        if (next == null || next.isAfter(target)) {
          break;
        }
        if (next.isAfter(clock.instant())) {
          clock.set(next);
        }
        steps += runDue(clock.instant());
      }
      clock.set(target);
      return steps + runDue(target);
    } finally {
      runLock.unlock();
    }
  }

  private record Batch(int claimed, int steps) {}

  private Batch processBatch(Instant now) {
    List<DueInstance> claimed;
    try {
      return tx.inTransaction(
          () -> {
            List<DueInstance> due = instances.claimDue(now, batchSize);
            if (due.isEmpty()) {
              return new Batch(0, 0);
            }
            int steps = processClaimed(due, now);
            return new Batch(due.size(), steps);
          });
    } catch (RuntimeException batchFailure) {
      if (isConflict(batchFailure)) {
        // Expected now and then with replicas on several Galera nodes: their batches claim the
        // same instances and lose at certification. The one-by-one pass below finishes the work.
        log.warn(
            "lifecycle batch kept conflicting with other writers; processing its instances one by"
                + " one");
      } else {
        log.error("lifecycle batch failed; processing its instances one by one", batchFailure);
      }
      claimed = tx.inTransaction(() -> instances.claimDue(now, batchSize));
    }
    // One bad instance must not block the rest: process singly; one that fails again is put off.
    int steps = 0;
    for (DueInstance d : claimed) {
      try {
        steps +=
            tx.inTransaction(
                () -> {
                  DueInstance one = instances.claimOne(d.instanceId(), now);
                  return one == null ? 0 : processClaimed(List.of(one), now);
                });
      } catch (RuntimeException itemFailure) {
        if (isConflict(itemFailure)) {
          // Not a bad instance: its account or row was held by another writer (a lock wait, or
          // on Galera another node's commit) every time. It stays due and the next batch takes it
          // again; putting it off would delay its step by the retry interval for nothing.
          log.warn("lifecycle step for {} kept conflicting; left due", d.instanceId());
          continue;
        }
        log.error(
            "lifecycle step failed for {}; retrying in {}",
            d.instanceId(),
            settings.retryInterval(),
            itemFailure);
        tx.inTransaction(
            () -> {
              Instance i = d.instance();
              instances.applyStep(
                  bump(i),
                  now.plus(settings.retryInterval()),
                  d.remindedExpiry(),
                  d.remindedDaysBefore());
            });
      }
    }
    return new Batch(claimed.size(), steps);
  }

  private static boolean isConflict(RuntimeException failure) {
    return failure instanceof ApiException api
        && api.reason() == ErrorReason.CONCURRENT_MODIFICATION;
  }

  /** Inside the claiming transaction: lock the accounts (sorted), then step each instance. */
  private int processClaimed(List<DueInstance> due, Instant now) {
    List<String> accountIds = due.stream().map(DueInstance::accountId).distinct().sorted().toList();
    Map<String, Account> accounts = new HashMap<>();
    for (Account a : ledger.lockAccounts(accountIds)) {
      accounts.put(a.accountId(), a);
    }
    PriceCatalog catalog = prices.catalogAt(now);
    Writes writes =
        new Writes(events.pending(), instances.pendingSteps(), ledger.batch(accounts.values()));
    int steps = 0;
    for (DueInstance d : due) {
      steps += step(d, accounts.get(d.accountId()), catalog, writes, now);
    }
    writes.send();
    stepsDone.addAndGet(steps);
    return steps;
  }

  private int step(
      DueInstance d, Account account, PriceCatalog catalog, Writes writes, Instant now) {
    Instance instance = d.instance();
    ZoneId zone = account.zone();
    Reminders reminders = new Reminders(d.remindedExpiry(), d.remindedDaysBefore());
    Step step = LifecycleSchedule.dueStep(instance, reminders, zone, now, settings);
    if (step instanceof LifecycleSchedule.Wait) {
      reschedule(bump(instance), reminders, zone, now, false, writes);
      return 0;
    }
    if (step instanceof LifecycleSchedule.Remind remind) {
      Reminders sent = new Reminders(instance.expiredTime(), remind.daysBefore());
      writes.events.reminder(instance, EventType.REMINDER, remind.daysBefore(), null, now);
      reschedule(bump(instance), sent, zone, now, false, writes);
      counted("reminder");
      return 1;
    }
    if (step instanceof LifecycleSchedule.Isolate) {
      isolate(instance, reminders, zone, writes, now);
      counted("isolate");
      return 1;
    }
    if (step instanceof LifecycleSchedule.Release) {
      Instance released = instance.change().state(InstanceState.RELEASED).releasedTime(now).build();
      writes.events.event(released, EventType.RELEASED, null, now);
      apply(released, null, d.remindedExpiry(), d.remindedDaysBefore(), writes);
      counted("release");
      return 1;
    }
    LifecycleSchedule.AutoRenew autoRenew = (LifecycleSchedule.AutoRenew) step;
    if (tryAutoRenew(instance, reminders, zone, catalog, writes, now)) {
      counted("auto_renew");
      return 1;
    }
    if (autoRenew.atExpiry()) {
      writes.events.event(instance, EventType.AUTO_RENEW_FAILED, null, now);
      isolate(instance, reminders, zone, writes, now);
      counted("auto_renew_failed");
      counted("isolate");
    } else {
      reschedule(bump(instance), reminders, zone, now, true, writes);
      counted("auto_renew_retry");
    }
    return 1;
  }

  private boolean tryAutoRenew(
      Instance instance,
      Reminders reminders,
      ZoneId zone,
      PriceCatalog catalog,
      Writes writes,
      Instant now) {
    // A one-instance renewal plan for the instance's own period and bandwidth: the same price and
    // new expiry a manual renewal would give.
    RenewalPlan plan =
        RenewalPlan.of(
            List.of(instance), catalog, zone, instance.autoRenewPeriodMonths(), null, now);
    long price = plan.chargeFen();
    Long balance = writes.money.tryDebit(instance.accountId(), price);
    if (balance == null) {
      return false;
    }
    String orderId = ids.orderId();
    // The database refuses a second charge for the same cycle (duplicate key): the whole
    // transaction, debits included, then rolls back.
    writes.money.recordAutoRenew(
        instance.accountId(),
        instance.instanceId(),
        instance.expiredTime(),
        orderId,
        price,
        balance,
        now);
    Instance renewed = plan.lines().get(0).after();
    writes.events.event(renewed, EventType.AUTO_RENEWED, orderId, now);
    reschedule(renewed, reminders, zone, now, false, writes);
    return true;
  }

  private void isolate(
      Instance instance, Reminders reminders, ZoneId zone, Writes writes, Instant now) {
    Instance isolated = instance.change().state(InstanceState.ISOLATED).isolatedTime(now).build();
    writes.events.event(isolated, EventType.ISOLATED, null, now);
    reschedule(isolated, reminders, zone, now, false, writes);
  }

  private void reschedule(
      Instance after,
      Reminders reminders,
      ZoneId zone,
      Instant now,
      boolean attemptFailed,
      Writes writes) {
    Instant next = LifecycleSchedule.nextDue(after, reminders, zone, now, settings, attemptFailed);
    apply(after, next, reminders.expiry(), reminders.daysBefore(), writes);
  }

  /** Queued: the batch's schedule updates are sent together when it ends (see {@link Writes}). */
  private static void apply(
      Instance after,
      Instant next,
      Instant remindedExpiry,
      Integer remindedDaysBefore,
      Writes writes) {
    writes.steps.add(after, next, remindedExpiry, remindedDaysBefore);
  }

  /**
   * A batch's writes, sent when its steps are decided, inside its transaction: the events in one
   * multi-row INSERT (in step order, so their ids keep that order), the instance updates as {@link
   * InstanceStore.PendingSteps} writes them (one statement on MariaDB) and the auto-renewals' money
   * as {@link Ledger.Batch} writes it, instead of round trips per step.
   */
  private static final class Writes {
    final EventStore.Pending events;
    final InstanceStore.PendingSteps steps;
    final Ledger.Batch money;

    Writes(EventStore.Pending events, InstanceStore.PendingSteps steps, Ledger.Batch money) {
      this.events = events;
      this.steps = steps;
      this.money = money;
    }

    /** The claim holds the row locks, so each update must change its row; else all rolls back. */
    void send() {
      money.write();
      List<String> unchanged = steps.write();
      if (!unchanged.isEmpty()) {
        throw new IllegalStateException("instances changed under a lifecycle claim: " + unchanged);
      }
      events.write();
    }
  }

  /** The same instance, next version (a schedule-only update). */
  private static Instance bump(Instance i) {
    return i.change().build();
  }
}
