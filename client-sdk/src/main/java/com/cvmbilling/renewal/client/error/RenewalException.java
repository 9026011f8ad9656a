package com.cvmbilling.renewal.client.error;

import com.cvmbilling.renewal.client.internal.ErrorFactory;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.cvmbilling.renewal.v1.ErrorReasonProto;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every failed call of the SDK throws this unchecked exception, or one of its subclasses: one per
 * gRPC status code that callers commonly handle (for example {@link FailedPreconditionException})
 * and, below those, one per common error reason (for example {@link InsufficientBalanceException}).
 *
 * <p>It carries what the service said: the {@linkplain #statusCode() status code}, the {@linkplain
 * #reason() reason} of the {@code google.rpc.ErrorInfo} (the names of SPEC section 7, e.g. {@code
 * INSUFFICIENT_BALANCE}), its {@linkplain #metadata() metadata} (e.g. {@code instanceIds}), the
 * {@linkplain #fieldViolations() field violations} of a {@code google.rpc.BadRequest}, and the full
 * {@linkplain #status() google.rpc.Status}. It also carries the {@linkplain #requestId() request
 * id} of the call (to quote to the service's operators) and, for a call that changes something, its
 * {@linkplain #clientToken() client token}: calling again with that token can never charge twice.
 *
 * <p><b>Which class.</b> The reasons are the API's {@link ErrorReason} enum ({@code
 * cvm/renewal/v1/error_reason.proto}). A reason that callers branch on (money, instance state,
 * idempotency) has its own class, below its status code's class; every other reason is reported by
 * the class of its status code (e.g. {@code INVALID_PERIOD} as {@link InvalidArgumentException})
 * with {@link #errorReason()} telling which. That fallback is deliberate: one class per field check
 * would add dozens of types that callers handle identically (fix the request), and a reason added
 * to the API later still arrives as the right status class, even in an older SDK.
 */
public class RenewalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * The domain of the service's {@code ErrorInfo} ({@code renewal.cvmbilling.com}), read from the
   * {@code error_domain} option of {@code error_reason.proto}.
   */
  public static final String ERROR_DOMAIN =
      ErrorReasonProto.getDescriptor().getOptions().getExtension(ErrorReasonProto.errorDomain);

  /**
   * The one table of reasons with their own exception class. Each class extends its status code's
   * class; a status whose code does not match the reason's class gets the code's class instead.
   */
  private static final Map<ErrorReason, Function<Details, RenewalException>> BY_REASON =
      new EnumMap<>(
          Map.ofEntries(
              Map.entry(ErrorReason.INSUFFICIENT_BALANCE, InsufficientBalanceException::new),
              Map.entry(ErrorReason.NOT_PREPAID, NotPrepaidException::new),
              Map.entry(ErrorReason.INSTANCE_RELEASED, InstanceReleasedException::new),
              Map.entry(ErrorReason.INSTANCE_ISOLATED, InstanceIsolatedException::new),
              Map.entry(ErrorReason.PREPAID_NOT_TERMINABLE, PrepaidNotTerminableException::new),
              Map.entry(ErrorReason.INSTANCE_NOT_FOUND, InstanceNotFoundException::new),
              Map.entry(ErrorReason.ACCOUNT_NOT_FOUND, AccountNotFoundException::new),
              Map.entry(ErrorReason.IDEMPOTENCY_KEY_REUSED, IdempotencyKeyReusedException::new),
              Map.entry(ErrorReason.REQUEST_IN_PROGRESS, RequestInProgressException::new),
              Map.entry(ErrorReason.RATE_LIMITED, RateLimitedException::new),
              Map.entry(ErrorReason.METADATA_TOO_LARGE, MetadataTooLargeException::new)));

  static {
    ErrorFactory.install(
        new ErrorFactory.Factory() {
          @Override
          public RenewalException fromStatus(
              Status status,
              Metadata trailers,
              String method,
              String requestId,
              String clientToken,
              int attempts) {
            return RenewalException.fromStatus(
                status, trailers, method, requestId, clientToken, attempts);
          }

          @Override
          public RenewalException tlsMismatch(
              String message,
              Status status,
              String method,
              String requestId,
              String clientToken,
              int attempts) {
            return new TlsMismatchException(
                details(
                    Status.UNAVAILABLE.withDescription(message).withCause(status.getCause()),
                    null,
                    method,
                    requestId,
                    clientToken,
                    attempts));
          }
        });
  }

  /** A wrong request field, from {@code google.rpc.BadRequest}. */
  public record FieldViolation(String field, String description) {}

  /** What a failure is built from. */
  record Details(
      StatusCode code,
      String description,
      String reason,
      String domain,
      Map<String, String> metadata,
      List<FieldViolation> fieldViolations,
      com.google.rpc.Status status,
      String method,
      String requestId,
      String clientToken,
      int attempts,
      Duration retryDelay,
      Throwable cause) {}

  private final transient Details details;

  RenewalException(Details details) {
    super(message(details), details.cause());
    this.details = details;
  }

  private static String message(Details d) {
    StringBuilder m = new StringBuilder();
    if (!d.method().isEmpty()) {
      m.append(d.method()).append(": ");
    }
    m.append(d.code());
    if (!d.reason().isEmpty()) {
      m.append('/').append(d.reason());
    }
    if (d.description() != null && !d.description().isEmpty()) {
      m.append(": ").append(d.description());
    }
    if (!d.metadata().isEmpty()) {
      m.append(' ').append(d.metadata());
    }
    m.append(" [request id ").append(d.requestId());
    if (!d.clientToken().isEmpty()) {
      m.append(", client token ").append(d.clientToken());
    }
    if (d.attempts() > 1) {
      m.append(", ").append(d.attempts()).append(" attempts");
    }
    return m.append(']').toString();
  }

  /**
   * Translates the outcome of a gRPC call into the exception for its code and reason. Not API (it
   * takes gRPC types): the SDK's client package reaches it through {@link ErrorFactory}; your own
   * gRPC calls use {@link #from(Throwable)}.
   *
   * @param status the call's status (not OK)
   * @param trailers the call's trailers, where the {@code google.rpc.Status} details are; may be
   *     null
   * @param method the RPC's simple name, e.g. {@code RenewInstances}; may be empty
   * @param requestId the request id of the call
   * @param clientToken the idempotency key the call was made with; may be empty
   * @param attempts how many attempts were made
   */
  static RenewalException fromStatus(
      Status status,
      Metadata trailers,
      String method,
      String requestId,
      String clientToken,
      int attempts) {
    return create(details(status, trailers, method, requestId, clientToken, attempts));
  }

  private static Details details(
      Status status,
      Metadata trailers,
      String method,
      String requestId,
      String clientToken,
      int attempts) {
    com.google.rpc.Status proto =
        trailers == null ? null : StatusProto.fromStatusAndTrailers(status, trailers);
    if (proto == null) {
      proto =
          com.google.rpc.Status.newBuilder()
              .setCode(status.getCode().value())
              .setMessage(status.getDescription() == null ? "" : status.getDescription())
              .build();
    }
    ErrorInfo info = null;
    Duration retryDelay = null;
    List<FieldViolation> violations = new ArrayList<>();
    for (Any detail : proto.getDetailsList()) {
      try {
        if (info == null && detail.is(ErrorInfo.class)) {
          info = detail.unpack(ErrorInfo.class);
        } else if (retryDelay == null && detail.is(RetryInfo.class)) {
          com.google.protobuf.Duration d = detail.unpack(RetryInfo.class).getRetryDelay();
          Duration delay = Duration.ofSeconds(d.getSeconds(), d.getNanos());
          retryDelay = delay.isNegative() ? null : delay;
        } else if (detail.is(BadRequest.class)) {
          for (BadRequest.FieldViolation v :
              detail.unpack(BadRequest.class).getFieldViolationsList()) {
            violations.add(new FieldViolation(v.getField(), v.getDescription()));
          }
        }
      } catch (InvalidProtocolBufferException ignored) {
        // a malformed detail is skipped; the status code and message still tell what happened
      }
    }
    return new Details(
        StatusCode.of(status.getCode()),
        status.getDescription(),
        info == null ? "" : info.getReason(),
        info == null ? "" : info.getDomain(),
        info == null ? Map.of() : Map.copyOf(info.getMetadataMap()),
        List.copyOf(violations),
        proto,
        method == null ? "" : method,
        requestId == null ? "" : requestId,
        clientToken == null ? "" : clientToken,
        attempts,
        retryDelay,
        status.getCause());
  }

  /**
   * Translates a failure of a call made with the generated stubs (for example on {@code
   * RenewalClient.channel()}) into the SDK's exception for its code and reason, e.g. {@code catch
   * (StatusRuntimeException e) { throw RenewalException.from(e); }}. Any other throwable is read as
   * gRPC reads it ({@code UNKNOWN}, or the status of a gRPC exception among its causes).
   *
   * @param failure what the call failed with; a {@code RenewalException} is returned as it is
   * @return the typed exception
   * @throws NullPointerException if {@code failure} is null
   */
  public static RenewalException from(Throwable failure) {
    if (failure instanceof RenewalException r) {
      return r;
    }
    if (failure instanceof StatusRuntimeException sre) {
      return fromStatus(sre.getStatus(), sre.getTrailers(), "", "", "", 1);
    }
    if (failure instanceof StatusException se) {
      return fromStatus(se.getStatus(), se.getTrailers(), "", "", "", 1);
    }
    return fromStatus(
        Status.fromThrowable(failure), Status.trailersFromThrowable(failure), "", "", "", 1);
  }

  private static RenewalException create(Details d) {
    RenewalException byCode = byCode(d);
    Function<Details, RenewalException> typed = BY_REASON.get(parse(d.reason()));
    if (typed != null && byCode.getClass() != RenewalException.class) {
      RenewalException byReason = typed.apply(d);
      if (byCode.getClass().isInstance(byReason)) {
        return byReason;
      }
    }
    return byCode;
  }

  private static RenewalException byCode(Details d) {
    return switch (d.code()) {
      case INVALID_ARGUMENT -> new InvalidArgumentException(d);
      case NOT_FOUND -> new NotFoundException(d);
      case FAILED_PRECONDITION -> new FailedPreconditionException(d);
      case ABORTED -> new AbortedException(d);
      case UNAUTHENTICATED -> new UnauthenticatedException(d);
      case PERMISSION_DENIED -> new PermissionDeniedException(d);
      case RESOURCE_EXHAUSTED -> new ResourceExhaustedException(d);
      case UNAVAILABLE -> new UnavailableException(d);
      case DEADLINE_EXCEEDED -> new DeadlineExceededException(d);
      case CANCELLED -> new CancelledException(d);
      case INTERNAL -> new InternalException(d);
      case UNIMPLEMENTED -> new UnimplementedException(d);
      default -> new RenewalException(d);
    };
  }

  private static ErrorReason parse(String reason) {
    if (reason.isEmpty()) {
      return ErrorReason.ERROR_REASON_UNSPECIFIED;
    }
    try {
      return ErrorReason.valueOf(reason);
    } catch (IllegalArgumentException unknownToThisVersion) {
      return ErrorReason.UNRECOGNIZED;
    }
  }

  /** The status code of the call (gRPC's codes, as the SDK's {@link StatusCode}). */
  public StatusCode statusCode() {
    return details.code();
  }

  /**
   * The {@code ErrorInfo} reason, e.g. {@code INSUFFICIENT_BALANCE}; empty when the status had
   * none.
   */
  public String reason() {
    return details.reason();
  }

  /**
   * The reason as the API's enum: {@code ERROR_REASON_UNSPECIFIED} when the status had none, {@code
   * UNRECOGNIZED} for a reason newer than this SDK (then {@link #reason()} has its name).
   */
  public ErrorReason errorReason() {
    return parse(details.reason());
  }

  /**
   * The {@code ErrorInfo} domain ({@link #ERROR_DOMAIN} for the service's own errors); may be
   * empty.
   */
  public String domain() {
    return details.domain();
  }

  /** The {@code ErrorInfo} metadata: the offending values, e.g. {@code instanceIds}. */
  public Map<String, String> metadata() {
    return details.metadata();
  }

  /** One metadata value. */
  public Optional<String> metadata(String key) {
    return Optional.ofNullable(details.metadata().get(key));
  }

  /**
   * The instances the error names ({@code instanceIds} metadata, comma-separated); may be empty.
   */
  public List<String> instanceIds() {
    String ids = details.metadata().get("instanceIds");
    if (ids == null || ids.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(ids.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** The wrong request fields ({@code google.rpc.BadRequest}); empty when none was named. */
  public List<FieldViolation> fieldViolations() {
    return details.fieldViolations();
  }

  /** The full {@code google.rpc.Status}, details included. */
  public com.google.rpc.Status status() {
    return details.status();
  }

  /** The server's message, for humans (never parse it; use {@link #reason()}). */
  public String description() {
    return details.description() == null ? "" : details.description();
  }

  /** The RPC, e.g. {@code RenewInstances}; empty when unknown. */
  public String method() {
    return details.method();
  }

  /**
   * The request id of the logical call: the server's {@code x-request-id} response header or
   * trailer when it sent one, otherwise the id the SDK generated and sent as {@code x-request-id}.
   * The same on every attempt of one call.
   */
  public String requestId() {
    return details.requestId();
  }

  /**
   * The idempotency key the call was made with, when the RPC takes one. Repeating the call with
   * this token (and the same request) is always safe: it charges at most once in total.
   */
  public Optional<String> clientToken() {
    return details.clientToken().isEmpty() ? Optional.empty() : Optional.of(details.clientToken());
  }

  /**
   * How long the server asked the caller to wait before calling again ({@code google.rpc.RetryInfo}
   * of the status), if it said; it does for {@link RateLimitedException}. The SDK's own retries
   * already waited at least this long between attempts (see {@code RetrySettings}).
   */
  public Optional<Duration> retryDelay() {
    return Optional.ofNullable(details.retryDelay());
  }

  /** How many attempts the SDK made before giving up (1 when it did not retry). */
  public int attempts() {
    return details.attempts();
  }
}
