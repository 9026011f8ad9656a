package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSessionManager;
import org.apache.ibatis.session.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work in one database transaction on the current thread. Mappers injected anywhere join it. A
 * nested call joins the outer transaction. A deadlock, a serialization failure or a Galera
 * certification conflict (error 1213 at COMMIT: another node wrote the same rows first) retries the
 * whole unit a few times (the work must be safe to re-run: it re-reads and re-decides, since
 * everything it did rolled back), then reports CONCURRENT_MODIFICATION; an unreachable database
 * reports DATABASE_UNAVAILABLE. Work of a gRPC call is bounded by the call's deadline: no attempt
 * starts after it, and a statement cut short by its query timeout reports DEADLINE_EXCEEDED (see
 * {@link CallBoundTransactionFactory}).
 */
@Singleton
public final class Transactions {
  private static final Logger log = LoggerFactory.getLogger(Transactions.class);
  private final SqlSessionManager sessions;
  private final int maxAttempts;
  private final CallDeadline deadline;
  private final java.util.concurrent.atomic.AtomicLong conflictReruns =
      new java.util.concurrent.atomic.AtomicLong();

  @Inject
  public Transactions(
      SqlSessionManager sessions, TransactionSettings settings, CallDeadline deadline) {
    this.sessions = sessions;
    this.maxAttempts = settings.maxAttempts();
    this.deadline = deadline;
  }

  public <T> T inTransaction(Supplier<T> work) {
    if (sessions.isManagedSessionStarted()) {
      return work.get();
    }
    for (int attempt = 1; ; attempt++) {
      deadline.check();
      sessions.startManagedSession(ExecutorType.SIMPLE, TransactionIsolationLevel.READ_COMMITTED);
      try {
        T result = work.get();
        sessions.commit(true);
        return result;
      } catch (RuntimeException e) {
        rollbackQuietly();
        if (isRetryableConflict(e) && mayRunAgain(attempt)) {
          log.debug("transaction conflict, retrying (attempt {})", attempt, e);
          conflictReruns.incrementAndGet();
          sleepBeforeRetry(attempt);
          continue;
        }
        throw translate(e);
      } finally {
        sessions.close();
      }
    }
  }

  /**
   * Transactions re-run after a deadlock, lock wait timeout or (Galera) certification conflict,
   * since start: on a cluster, the rate of cross-node write conflicts.
   */
  public long conflictReruns() {
    return conflictReruns.get();
  }

  public void inTransaction(Runnable work) {
    inTransaction(
        () -> {
          work.run();
          return null;
        });
  }

  private void rollbackQuietly() {
    try {
      sessions.rollback(true);
    } catch (RuntimeException rollbackFailure) {
      log.debug("rollback failed", rollbackFailure);
    }
  }

  /**
   * At least {@code maxAttempts} runs; beyond them, a call with a deadline keeps going while it has
   * time left: under heavy cross-node contention (hot accounts written through several Galera
   * nodes) a conflict is a race the next run can win, and the caller would only send the call
   * again. Work without a deadline (the lifecycle job, which has its own fallback) stops at the
   * count.
   */
  private boolean mayRunAgain(int attempt) {
    if (attempt < maxAttempts) {
      return true;
    }
    long left = deadline.remainingMillis();
    return left != Long.MAX_VALUE && left > 0;
  }

  /** Jittered, doubling from 10 ms, at most 160 ms: conflicting writers spread out quickly. */
  private static void sleepBeforeRetry(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << Math.min(attempt, 5)));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  /** Maps database failures to API errors; leaves API errors and anything else as they are. */
  public static RuntimeException translate(RuntimeException e) {
    if (e instanceof ApiException) {
      return e;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      // Thrown inside MyBatis (deadline checks) and wrapped by it.
      if (t instanceof ApiException api) {
        return api;
      }
    }
    if (isConnectionFailure(e)) {
      return ApiException.of(
              ErrorReason.DATABASE_UNAVAILABLE, "the database is unavailable; retry later")
          .cause(e)
          .build();
    }
    if (isRetryableConflict(e)) {
      return ApiException.of(
              ErrorReason.CONCURRENT_MODIFICATION,
              "the resources were modified concurrently; retry the request")
          .cause(e)
          .build();
    }
    if (isQueryTimeout(e)) {
      return CallDeadline.exceeded();
    }
    return e;
  }

  /** A statement cancelled by its query timeout (not a lock wait timeout: that is a conflict). */
  static boolean isQueryTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        // H2 57014: statement cancelled / timed out; MySQL/MariaDB 1317: query interrupted,
        // 3024 / 1969: max execution time exceeded; Connector/J's own timeout is an
        // SQLTimeoutException.
        int code = sql.getErrorCode();
        if (code == 57014 || code == 1317 || code == 3024 || code == 1969) {
          return true;
        }
        if (sql instanceof SQLTimeoutException && code != 50200 && code != 1205) {
          return true;
        }
      }
    }
    return false;
  }

  /** A unique or primary key violation (not any other integrity error, such as a CHECK). */
  public static boolean isDuplicateKey(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        // MySQL/MariaDB: 1062 ER_DUP_ENTRY, 1586 ER_DUP_ENTRY_WITH_KEY_NAME; H2: SQLState 23505.
        if (sql.getErrorCode() == 1062
            || sql.getErrorCode() == 1586
            || "23505".equals(sql.getSQLState())) {
          return true;
        }
      }
    }
    return false;
  }

  public static boolean isRetryableConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        // 40001: deadlock / serialization failure (MySQL 1213, H2); lock wait timeout: MySQL
        // 1205, H2 50200 (SQLState HYT00, which H2 also uses for other timeouts).
        if ("40001".equals(state)
            || sql.getErrorCode() == 1213
            || sql.getErrorCode() == 1205
            || sql.getErrorCode() == 50200) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean isConnectionFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return true;
      }
    }
    return false;
  }
}
