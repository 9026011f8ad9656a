package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Instance;
import java.time.Instant;

/**
 * One lifecycle step's write: the instance after the step (at its next version) and its schedule.
 */
record LifecycleStep(
    Instance instance, Instant nextDue, Instant remindedExpiry, Integer remindedDaysBefore) {}
