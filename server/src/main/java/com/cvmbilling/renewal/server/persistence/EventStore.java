package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Event;
import com.cvmbilling.renewal.server.domain.EventType;
import com.cvmbilling.renewal.server.domain.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;

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

  /** One event per instance: one INSERT for one, one multi-row INSERT for several. */
  public void events(List<Instance> instances, EventType type, String orderId, Instant at) {
    if (instances.size() == 1) {
      event(instances.get(0), type, orderId, at);
      return;
    }
    events.insertAll(instances.stream().map(i -> of(i, type, 0, orderId, at)).toList());
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
