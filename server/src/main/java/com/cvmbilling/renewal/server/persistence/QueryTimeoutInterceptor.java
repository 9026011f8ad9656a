package com.cvmbilling.renewal.server.persistence;

import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.ibatis.executor.statement.StatementHandler;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;

/**
 * Gives every MyBatis statement a JDBC query timeout: the time the current gRPC call has left
 * (rounded up to whole seconds, JDBC's unit), capped by the server's per-statement limit ({@code
 * --db-query-timeout}). A call whose deadline has already passed fails with DEADLINE_EXCEEDED
 * before the statement is sent. So a slow or locked database cannot hold a call (and its pooled
 * connection) much past the call's deadline.
 */
@Intercepts(
    @Signature(
        type = StatementHandler.class,
        method = "prepare",
        args = {Connection.class, Integer.class}))
public final class QueryTimeoutInterceptor implements Interceptor {
  private final int maxSeconds;
  private final CallDeadline deadline;

  /** The cap is {@link TransactionSettings#queryTimeout()}; zero or null = no cap. */
  @Inject
  public QueryTimeoutInterceptor(TransactionSettings settings, CallDeadline deadline) {
    Duration maxQueryTime = settings.queryTimeout();
    long s = maxQueryTime == null ? 0 : (maxQueryTime.toMillis() + 999) / 1000;
    this.maxSeconds = (int) Math.min(Integer.MAX_VALUE, Math.max(0, s));
    this.deadline = deadline;
  }

  @Override
  public Object intercept(Invocation invocation) throws Throwable {
    long remaining = deadline.remainingMillis();
    if (remaining <= 0) {
      throw CallDeadline.exceeded();
    }
    Object result = invocation.proceed();
    if (result instanceof Statement statement) {
      int seconds = maxSeconds;
      if (remaining != Long.MAX_VALUE) {
        int left = (int) Math.min(Integer.MAX_VALUE, (remaining + 999) / 1000);
        seconds = seconds == 0 ? left : Math.min(seconds, left);
      }
      if (seconds > 0) {
        applyTimeout(statement, seconds);
      }
    }
    return result;
  }

  private static void applyTimeout(Statement statement, int seconds) throws SQLException {
    int current = statement.getQueryTimeout();
    if (current == 0 || current > seconds) {
      statement.setQueryTimeout(seconds);
    }
  }
}
