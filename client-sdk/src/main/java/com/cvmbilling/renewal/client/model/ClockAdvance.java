package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.AdvanceTimeResponse;
import java.time.Instant;

/**
 * The result of {@code TestClockService.AdvanceTime}.
 *
 * @param now the server's time after the advance
 * @param stepsProcessed lifecycle steps that fell due on the way and ran
 */
public record ClockAdvance(Instant now, long stepsProcessed) {
  public static ClockAdvance fromProto(AdvanceTimeResponse response) {
    return new ClockAdvance(ProtoTypes.toInstant(response.getNow()), response.getStepsProcessed());
  }
}
