package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.RenewalException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs through SLF4J (loaded only when logging is enabled, so SLF4J stays optional), logger {@value
 * #LOGGER_NAME}: at INFO one line per call (its outcome, attempts and time), per retry and per
 * watch connection or stop, so that the calls show with a logging setup's default level; at DEBUG
 * also each attempt with its targets and credentials (prefix); at TRACE the requests and responses.
 * Never logs an API key: the credentials show a prefix only, and {@code api_key} fields are masked.
 */
final class Slf4jCallLog implements CallLog {
  static final String LOGGER_NAME = "com.cvmbilling.renewal.client.calls";
  private static final Logger log = LoggerFactory.getLogger(LOGGER_NAME);

  private final String credentials;
  private final String targets;

  Slf4jCallLog(ClientSettings settings) {
    this.credentials = String.valueOf(settings.credentials());
    this.targets = String.join(",", settings.targets());
  }

  @Override
  public void attempt(
      String method, String requestId, String clientToken, int attempt, Message request) {
    if (log.isDebugEnabled()) {
      log.debug(
          "call {} attempt {} request_id={}{} targets={} credentials={}",
          method,
          attempt,
          requestId,
          clientToken.isEmpty() ? "" : " client_token=" + clientToken,
          targets,
          credentials);
    }
    if (log.isTraceEnabled()) {
      log.trace("call {} request_id={} request: {}", method, requestId, redacted(request));
    }
  }

  @Override
  public void succeeded(
      String method, String requestId, int attempts, Duration elapsed, Message response) {
    if (log.isInfoEnabled()) {
      log.info(
          "call {} OK request_id={} attempts={} in {} ms",
          method,
          requestId,
          attempts,
          elapsed.toMillis());
    }
    if (log.isTraceEnabled()) {
      log.trace("call {} request_id={} response: {}", method, requestId, redacted(response));
    }
  }

  @Override
  public void retrying(
      String method,
      String requestId,
      String clientToken,
      RenewalException failure,
      Duration backoff) {
    log.info(
        "retry {} request_id={}{} after attempt {} failed with {}{}: retrying in {} ms",
        method,
        requestId,
        clientToken.isEmpty() ? "" : " client_token=" + clientToken,
        failure.attempts(),
        failure.statusCode(),
        failure.reason().isEmpty() ? "" : "/" + failure.reason(),
        backoff.toMillis());
  }

  @Override
  public void failed(String method, String requestId, RenewalException failure, Duration elapsed) {
    if (log.isInfoEnabled()) {
      log.info(
          "call {} failed request_id={} attempts={} in {} ms: {}",
          method,
          requestId,
          failure.attempts(),
          elapsed.toMillis(),
          failure.getMessage());
    }
  }

  @Override
  public void watchConnecting(String watchId, long afterEventId, int connection) {
    log.info(
        "watch {} connection {}: WatchEvents after event {}", watchId, connection, afterEventId);
  }

  @Override
  public void watchReconnecting(
      String watchId, long afterEventId, RenewalException cause, Duration backoff) {
    log.info(
        "watch {} stream ended with {}: reconnecting in {} ms, resuming after event {}",
        watchId,
        cause.statusCode(),
        backoff.toMillis(),
        afterEventId);
  }

  @Override
  public void watchStopped(String watchId, long lastEventId, RenewalException cause) {
    if (cause == null) {
      log.info("watch {} closed after event {}", watchId, lastEventId);
    } else {
      log.warn("watch {} stopped after event {}: {}", watchId, lastEventId, cause.getMessage());
    }
  }

  /** The message in one line, every {@code api_key} field masked. */
  static String redacted(Message message) {
    if (message == null) {
      return "null";
    }
    return TextFormat.shortDebugString(mask(message));
  }

  private static Message mask(Message message) {
    Message.Builder b = null;
    for (FieldDescriptor f : message.getDescriptorForType().getFields()) {
      if (f.getType() == FieldDescriptor.Type.STRING
          && !f.isRepeated()
          && f.getName().equals("api_key")
          && !((String) message.getField(f)).isEmpty()) {
        b = b == null ? message.toBuilder() : b;
        b.setField(f, "***");
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !f.isRepeated()
          && message.hasField(f)) {
        Message inner = (Message) message.getField(f);
        Message masked = mask(inner);
        if (masked != inner) {
          b = b == null ? message.toBuilder() : b;
          b.setField(f, masked);
        }
      }
    }
    return b == null ? message : b.build();
  }
}
