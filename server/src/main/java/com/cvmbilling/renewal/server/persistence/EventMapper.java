package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Event;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code instance_event} table's SQL; only {@link EventStore} uses it. */
public interface EventMapper {
  void insert(@Param("e") Event event);

  /** Several events in one multi-row INSERT; their ids ascend in list order. */
  void insertAll(@Param("events") List<Event> events);

  List<Event> after(
      @Param("accountId") String accountId,
      @Param("afterEventId") long afterEventId,
      @Param("limit") int limit);

  /** The latest {@code occurred_time_ms} of any event, or null when there is none. */
  Long latestOccurredMillis();
}
