package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Event;
import java.util.List;
import org.apache.ibatis.annotations.Param;

public interface EventMapper {
  void insert(Event event);

  List<Event> after(
      @Param("accountId") String accountId,
      @Param("afterEventId") long afterEventId,
      @Param("limit") int limit);
}
