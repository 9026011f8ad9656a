package com.cvmbilling.renewal.server.persistence;

import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.ibatis.session.TransactionIsolationLevel;
import org.apache.ibatis.transaction.Transaction;
import org.apache.ibatis.transaction.TransactionFactory;
import org.apache.ibatis.transaction.jdbc.JdbcTransaction;
import org.apache.ibatis.transaction.managed.ManagedTransaction;

/**
 * MyBatis transactions bounded by the current call: every statement gets a JDBC query timeout of
 * the time the call has left (rounded up to whole seconds, JDBC's unit), capped by the server's
 * per-statement limit ({@code --db-query-timeout}), and a call whose deadline has already passed
 * fails with DEADLINE_EXCEEDED before the statement is sent. So a slow or locked database cannot
 * hold a call (and its pooled connection) much past the call's deadline.
 *
 * <p>MyBatis applies a transaction's {@link Transaction#getTimeout()} to each statement it
 * prepares, so this needs no plugin around every statement (a plugin costs a proxy and reflection
 * per statement on the hot path). Autocommit is never reset on close: every connection of the pool
 * is always used with autocommit off, and the reset and the pool's undoing of it would be two round
 * trips per transaction for nothing.
 */
final class CallBoundTransactionFactory implements TransactionFactory {
  private final int maxSeconds;
  private final CallDeadline deadline;

  @Inject
  CallBoundTransactionFactory(TransactionSettings settings, CallDeadline deadline) {
    Duration maxQueryTime = settings.queryTimeout();
    long s = maxQueryTime == null ? 0 : (maxQueryTime.toMillis() + 999) / 1000;
    this.maxSeconds = (int) Math.min(Integer.MAX_VALUE, Math.max(0, s));
    this.deadline = deadline;
  }

  /**
   * A session on a connection that another session's transaction owns ({@link JdbcBatches}): it
   * never commits, rolls back or closes the connection; the owner does.
   */
  @Override
  public Transaction newTransaction(Connection connection) {
    return new ManagedTransaction(connection, false) {
      @Override
      public Integer getTimeout() {
        return statementTimeoutSeconds();
      }
    };
  }

  @Override
  public Transaction newTransaction(
      DataSource dataSource, TransactionIsolationLevel level, boolean autoCommit) {
    return new JdbcTransaction(dataSource, level, autoCommit, true) {
      @Override
      public Integer getTimeout() {
        return statementTimeoutSeconds();
      }
    };
  }

  /** The query timeout of the next statement, or null for none; throws once the call is over. */
  Integer statementTimeoutSeconds() {
    long remaining = deadline.remainingMillis();
    if (remaining <= 0) {
      throw CallDeadline.exceeded();
    }
    int seconds = maxSeconds;
    if (remaining != Long.MAX_VALUE) {
      int left = (int) Math.min(Integer.MAX_VALUE, (remaining + 999) / 1000);
      seconds = seconds == 0 ? left : Math.min(seconds, left);
    }
    return seconds > 0 ? seconds : null;
  }
}
