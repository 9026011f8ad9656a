package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Instance;
import java.time.Instant;

/**
 * A claimed instance with its lifecycle schedule: when it is next due and which reminder was last
 * sent (for which expiry, how many days before).
 *
 * @param instanceId the instance's id (also the row key of the nested mapping)
 */
public record DueInstance(
    String instanceId,
    Instance instance,
    Instant nextDue,
    Instant remindedExpiry,
    Integer remindedDaysBefore) {

  public String accountId() {
    return instance.accountId();
  }
}
