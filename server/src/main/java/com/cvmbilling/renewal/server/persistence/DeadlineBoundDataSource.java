package com.cvmbilling.renewal.server.persistence;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool as MyBatis sees it: a call waits for a connection no longer than its deadline allows
 * (the pool's own connection timeout still applies when that is shorter), and a call whose deadline
 * has passed gets none.
 */
final class DeadlineBoundDataSource implements DataSource {
  private final DataSource delegate;
  private final CallDeadline deadline;

  DeadlineBoundDataSource(DataSource delegate, CallDeadline deadline) {
    this.delegate = delegate;
    this.deadline = deadline;
  }

  @Override
  public Connection getConnection() throws SQLException {
    long remaining = deadline.remainingMillis();
    if (remaining <= 0) {
      throw CallDeadline.exceeded();
    }
    if (remaining != Long.MAX_VALUE
        && delegate instanceof HikariDataSource hikari
        && remaining < hikari.getConnectionTimeout()
        && hikari.getHikariPoolMXBean() instanceof HikariPool pool) {
      try {
        return pool.getConnection(remaining);
      } catch (SQLTransientConnectionException e) {
        if (deadline.remainingMillis() <= 0) {
          throw CallDeadline.exceeded();
        }
        throw e;
      }
    }
    return delegate.getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return delegate.getConnection(username, password);
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(delegate) ? iface.cast(delegate) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(delegate) || delegate.isWrapperFor(iface);
  }
}
