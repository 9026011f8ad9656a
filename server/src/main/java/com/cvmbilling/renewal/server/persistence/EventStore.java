package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Event;
import com.cvmbilling.renewal.server.domain.EventType;
import com.cvmbilling.renewal.server.domain.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code instance_event} table: the event history of instances. Runs in the caller's
 * transaction, which must hold the account's row lock first (see {@code Ledger.lockAccount}) so
 * that one account's events commit in id order.
 */
@Singleton
public class EventStore {
  private final EventMapper events;

  @Inject
  EventStore(EventMapper events) {
    this.events = events;
  }

  public void event(Instance instance, EventType type, String orderId, Instant at) {
    reminder(instance, type, 0, orderId, at);
  }

  public void reminder(
      Instance instance, EventType type, int daysBefore, String orderId, Instant at) {
    events.insert(of(instance, type, daysBefore, orderId, at));
  }

  /** One event per instance, written together (see {@link #insertTogether}). */
  public void events(List<Instance> instances, EventType type, String orderId, Instant at) {
    insertTogether(instances.stream().map(i -> of(i, type, 0, orderId, at)).toList());
  }

  /**
   * One INSERT for one event, one multi-row INSERT for several (ids in list order), built once per
   * row count like the other multi-row writes ({@link ParseCachingLanguageDriver}).
   */
  private void insertTogether(List<Event> all) {
    if (all.size() == 1) {
      events.insert(all.get(0));
    } else if (!all.isEmpty()) {
      events.insertAll(all);
    }
  }

  /**
   * Events to write together: the lifecycle job collects a batch's events here and writes them with
   * one multi-row INSERT at the end of its transaction, in the order they were added (so ids keep
   * that order), instead of one INSERT per step.
   */
  public Pending pending() {
    return new Pending();
  }

  /** Events not yet written; see {@link #pending()}. Not thread-safe: one transaction's. */
  public final class Pending {
    private final List<Event> events = new ArrayList<>();

    private Pending() {}

    public void event(Instance instance, EventType type, String orderId, Instant at) {
      reminder(instance, type, 0, orderId, at);
    }

    public void reminder(
        Instance instance, EventType type, int daysBefore, String orderId, Instant at) {
      events.add(of(instance, type, daysBefore, orderId, at));
    }

    /** Writes what was added since the last write, in order. */
    public void write() {
      insertTogether(List.copyOf(events));
      events.clear();
    }
  }

  /** When the latest event of any account happened; empty in a new database. */
  public Optional<Instant> latestOccurredTime() {
    return Optional.ofNullable(events.latestOccurredMillis()).map(Instant::ofEpochMilli);
  }

  /** The account's events after {@code afterEventId}, in id order. */
  public List<Event> after(String accountId, long afterEventId, int limit) {
    return events.after(accountId, afterEventId, limit);
  }

  private static Event of(
      Instance instance, EventType type, int daysBefore, String orderId, Instant at) {
    return new Event(
        0,
        instance.accountId(),
        type,
        instance.instanceId(),
        at,
        instance.expiredTime(),
        daysBefore,
        orderId);
  }
}
