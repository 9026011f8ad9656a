package com.cvmbilling.renewal.server.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.grpc.ErrorMapper;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The error reasons come from the proto; each must be reported under a status code. */
@Tier.Unit
class StatusCodeTest {
  private static final Set<ErrorReason> NOT_REASONS =
      EnumSet.of(ErrorReason.ERROR_REASON_UNSPECIFIED, ErrorReason.UNRECOGNIZED);

  @ParameterizedTest
  @EnumSource(
      value = ErrorReason.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = {"ERROR_REASON_UNSPECIFIED", "UNRECOGNIZED"})
  void everyProtoReasonHasAStatusCode(ErrorReason reason) {
    assertThat(StatusCode.of(reason)).isNotNull();
    assertThat(ApiException.of(reason, "x").build().code()).isEqualTo(StatusCode.of(reason));
  }

  @Test
  void theZeroValueIsNoReason() {
    for (ErrorReason r : NOT_REASONS) {
      assertThatThrownBy(() -> StatusCode.of(r)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ApiException.of(r, "x"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theCodesOfTheSpecsReasonsAreUnchanged() {
    assertThat(StatusCode.of(ErrorReason.INVALID_PERIOD)).isEqualTo(StatusCode.INVALID_ARGUMENT);
    assertThat(StatusCode.of(ErrorReason.IDEMPOTENCY_KEY_REUSED))
        .isEqualTo(StatusCode.INVALID_ARGUMENT);
    assertThat(StatusCode.of(ErrorReason.INSTANCE_NOT_FOUND)).isEqualTo(StatusCode.NOT_FOUND);
    assertThat(StatusCode.of(ErrorReason.INSUFFICIENT_BALANCE))
        .isEqualTo(StatusCode.FAILED_PRECONDITION);
    assertThat(StatusCode.of(ErrorReason.REQUEST_IN_PROGRESS)).isEqualTo(StatusCode.ABORTED);
    assertThat(StatusCode.of(ErrorReason.RATE_LIMITED)).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
    assertThat(StatusCode.of(ErrorReason.DATABASE_UNAVAILABLE)).isEqualTo(StatusCode.UNAVAILABLE);
    assertThat(StatusCode.of(ErrorReason.DEADLINE_EXCEEDED))
        .isEqualTo(StatusCode.DEADLINE_EXCEEDED);
    assertThat(
            Arrays.stream(ErrorReason.values())
                .filter(r -> !NOT_REASONS.contains(r))
                .filter(r -> StatusCode.of(r) == StatusCode.INVALID_ARGUMENT)
                .count())
        .isEqualTo(31); // 25, INVALID_DISCOUNT (prices), the 4 of the key lifecycle and
    // INVALID_KEY_KIND (support keys) (issue #12)
  }

  @Test
  void theDomainIsReadFromTheProto() {
    // The wire value: changing it would break every client that checks the domain.
    assertThat(ErrorMapper.ERROR_DOMAIN).isEqualTo("renewal.cvmbilling.com");
  }
}
