package com.cvmbilling.renewal.client.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every reason of the proto reaches the caller as a typed exception: its own class where the SDK's
 * table has one, otherwise (deliberately, see {@link RenewalException}) its status code's class,
 * never the bare base class. The codes are the server's table, so a reason added to the proto under
 * a code the SDK has no class for fails here.
 */
@Tier.Unit
class ErrorReasonTest {
  private static final Map<ErrorReason, Class<? extends RenewalException>> OWN_CLASS =
      Map.ofEntries(
          Map.entry(ErrorReason.INSUFFICIENT_BALANCE, InsufficientBalanceException.class),
          Map.entry(ErrorReason.NOT_PREPAID, NotPrepaidException.class),
          Map.entry(ErrorReason.INSTANCE_RELEASED, InstanceReleasedException.class),
          Map.entry(ErrorReason.INSTANCE_ISOLATED, InstanceIsolatedException.class),
          Map.entry(ErrorReason.PREPAID_NOT_TERMINABLE, PrepaidNotTerminableException.class),
          Map.entry(ErrorReason.INSTANCE_NOT_FOUND, InstanceNotFoundException.class),
          Map.entry(ErrorReason.ACCOUNT_NOT_FOUND, AccountNotFoundException.class),
          Map.entry(ErrorReason.IDEMPOTENCY_KEY_REUSED, IdempotencyKeyReusedException.class),
          Map.entry(ErrorReason.REQUEST_IN_PROGRESS, RequestInProgressException.class),
          Map.entry(ErrorReason.RATE_LIMITED, RateLimitedException.class),
          Map.entry(ErrorReason.METADATA_TOO_LARGE, MetadataTooLargeException.class));

  private static RenewalException failure(Status.Code code, String reason) {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage("refused")
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason(reason)
                        .setDomain(RenewalException.ERROR_DOMAIN)
                        .build()))
            .build();
    StatusRuntimeException e = StatusProto.toStatusRuntimeException(status, new Metadata());
    return RenewalException.from(e);
  }

  @ParameterizedTest
  @EnumSource(
      value = ErrorReason.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = {"ERROR_REASON_UNSPECIFIED", "UNRECOGNIZED"})
  void everyProtoReasonHasATypedException(ErrorReason reason) {
    Status.Code code =
        Status.Code.valueOf(com.cvmbilling.renewal.server.error.StatusCode.of(reason).name());

    RenewalException e = failure(code, reason.name());

    assertThat(e.getClass()).isNotEqualTo(RenewalException.class);
    assertThat(e.statusCode()).isEqualTo(StatusCode.valueOf(code.name()));
    assertThat(e.statusCode().value()).isEqualTo(code.value());
    assertThat(e.errorReason()).isEqualTo(reason);
    assertThat(e.reason()).isEqualTo(reason.name());
    if (OWN_CLASS.containsKey(reason)) {
      assertThat(e).isExactlyInstanceOf(OWN_CLASS.get(reason));
    }
  }

  @Test
  void aReasonUnderAnotherCodeGetsTheCodesClass() {
    assertThat(failure(Status.Code.ABORTED, "INSUFFICIENT_BALANCE"))
        .isExactlyInstanceOf(AbortedException.class);
  }

  @Test
  void aReasonNewerThanTheSdkIsUnrecognizedButKeepsItsName() {
    RenewalException e = failure(Status.Code.FAILED_PRECONDITION, "SOMETHING_NEW");
    assertThat(e).isExactlyInstanceOf(FailedPreconditionException.class);
    assertThat(e.errorReason()).isEqualTo(ErrorReason.UNRECOGNIZED);
    assertThat(e.reason()).isEqualTo("SOMETHING_NEW");
  }

  @Test
  void theDomainIsTheProtosAndTheServersAndUnchanged() {
    assertThat(RenewalException.ERROR_DOMAIN)
        .isEqualTo(com.cvmbilling.renewal.server.grpc.ErrorMapper.ERROR_DOMAIN)
        .isEqualTo("renewal.cvmbilling.com");
  }
}
