package com.cvmbilling.renewal.server.production;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Collects what a logger (and its children) log while open. */
final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
  }

  static LogCapture root() {
    return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  List<ILoggingEvent> events() {
    synchronized (appender) { // AppenderBase.doAppend holds this lock while it adds
      return List.copyOf(appender.list);
    }
  }

  /** Every event as text: message, arguments and exception, as far as they can leak anything. */
  List<String> lines() {
    return events().stream()
        .map(
            e ->
                e.getFormattedMessage()
                    + (e.getArgumentArray() == null
                        ? ""
                        : " " + Arrays.toString(e.getArgumentArray()))
                    + (e.getThrowableProxy() == null
                        ? ""
                        : " " + e.getThrowableProxy().getMessage()))
        .collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
