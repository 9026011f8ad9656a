package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.Event;
import com.cvmbilling.renewal.server.domain.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventMapperTest extends RepositoryTestBase {
  private static final Instant AT = Instant.parse("2027-01-31T15:59:59.123Z");

  private static Event withId(Event e, long id) {
    return new Event(
        id,
        e.accountId(),
        e.eventType(),
        e.instanceId(),
        e.occurredTime(),
        e.expiredTime(),
        e.daysBefore(),
        e.orderId());
  }

  /** Inserts events of acc-1 and acc-2 interleaved; returns acc-1's in insertion order. */
  private List<Event> insertInterleaved() {
    EventMapper events = mapper(EventMapper.class);
    List<Event> mine =
        List.of(
            new Event(
                0,
                "acc-1",
                EventType.REMINDER,
                "ins-a0000001",
                AT,
                AT.plusSeconds(7 * 86_400),
                7,
                null),
            new Event(
                0,
                "acc-1",
                EventType.RENEWED,
                "ins-a0000001",
                AT.plusMillis(1),
                AT.plusSeconds(40 * 86_400),
                0,
                "ord-1"),
            // An account-level event: no instance, no expiry, no order.
            new Event(
                0, "acc-1", EventType.RENEW_FLAG_CHANGED, null, AT.plusMillis(2), null, 0, null),
            new Event(
                0,
                "acc-1",
                EventType.AUTO_RENEW_FAILED,
                "ins-a0000002",
                AT.plusMillis(3),
                AT,
                0,
                null),
            new Event(
                0, "acc-1", EventType.ISOLATED, "ins-a0000002", AT.plusMillis(3), AT, 0, null));
    inTx(
        () -> {
          for (Event e : mine) {
            events.insert(e);
            events.insert(
                new Event(0, "acc-2", EventType.TERMINATED, "ins-b0000001", AT, null, 0, null));
          }
        });
    return mine;
  }

  @Test
  void afterReturnsTheAccountsEventsInIdOrderWithEveryField() {
    List<Event> inserted = insertInterleaved();

    List<Event> read = inTx(() -> mapper(EventMapper.class).after("acc-1", 0, 100));

    assertThat(read).hasSize(inserted.size());
    for (int i = 0; i < read.size(); i++) {
      assertThat(read.get(i).eventId()).isPositive();
      assertThat(read.get(i)).isEqualTo(withId(inserted.get(i), read.get(i).eventId()));
    }
    assertThat(read).extracting(Event::eventId).isSorted().doesNotHaveDuplicates();
    assertThat(inTx(() -> mapper(EventMapper.class).after("acc-2", 0, 100)))
        .hasSize(5)
        .extracting(Event::accountId)
        .containsOnly("acc-2");
    assertThat(inTx(() -> mapper(EventMapper.class).after("acc-3", 0, 100))).isEmpty();
  }

  @Test
  void afterIsExclusiveAndPagesWithALimit() {
    insertInterleaved();
    EventMapper events = mapper(EventMapper.class);
    List<Event> all = inTx(() -> events.after("acc-1", 0, 100));

    List<Event> seen = new ArrayList<>();
    long after = 0;
    for (int guard = 0; guard < 10; guard++) {
      long cursor = after;
      List<Event> page = inTx(() -> events.after("acc-1", cursor, 2));
      assertThat(page.size()).isLessThanOrEqualTo(2);
      if (page.isEmpty()) {
        break;
      }
      seen.addAll(page);
      after = page.get(page.size() - 1).eventId();
    }

    assertThat(seen).containsExactlyElementsOf(all);
    long secondId = all.get(1).eventId();
    assertThat(inTx(() -> events.after("acc-1", secondId, 1))).containsExactly(all.get(2));
    long lastId = all.get(all.size() - 1).eventId();
    assertThat(inTx(() -> events.after("acc-1", lastId, 10))).isEmpty();
  }

  @Test
  void eventsWrittenLaterGetLargerIds() {
    insertInterleaved();
    EventMapper events = mapper(EventMapper.class);
    long lastId = inTx(() -> events.after("acc-1", 0, 100)).get(4).eventId();

    Event late =
        new Event(0, "acc-1", EventType.RELEASED, "ins-a0000002", AT.plusSeconds(1), AT, 0, null);
    inTx(() -> events.insert(late));

    List<Event> fresh = inTx(() -> events.after("acc-1", lastId, 10));
    assertThat(fresh).hasSize(1);
    assertThat(fresh.get(0).eventId()).isGreaterThan(lastId);
    assertThat(fresh.get(0)).isEqualTo(withId(late, fresh.get(0).eventId()));
  }
}
