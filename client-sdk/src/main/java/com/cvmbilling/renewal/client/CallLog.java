package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.RenewalException;
import com.google.protobuf.Message;
import java.time.Duration;

/** Where the SDK reports calls and retries: nowhere, unless logging is enabled. */
interface CallLog {
  CallLog NONE = new CallLog() {};

  static CallLog create(ClientSettings settings) {
    if (!settings.logging()) {
      return NONE;
    }
    try {
      Class.forName("org.slf4j.LoggerFactory", false, CallLog.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "logging(true) needs org.slf4j:slf4j-api on the classpath", e);
    }
    return new Slf4jCallLog(settings);
  }

  default void attempt(
      String method, String requestId, String clientToken, int attempt, Message request) {}

  default void succeeded(
      String method, String requestId, int attempts, Duration elapsed, Message response) {}

  default void retrying(
      String method,
      String requestId,
      String clientToken,
      RenewalException failure,
      Duration backoff) {}

  default void failed(
      String method, String requestId, RenewalException failure, Duration elapsed) {}

  default void watchConnecting(String watchId, long afterEventId, int connection) {}

  default void watchReconnecting(
      String watchId, long afterEventId, RenewalException cause, Duration backoff) {}

  default void watchStopped(String watchId, long lastEventId, RenewalException cause) {}
}
