package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.plugin.Invocation;
import org.junit.jupiter.api.Test;

/** Database failures become API errors where they happen, keeping the driver's exception. */
@Tier.Unit
class DatabaseErrorInterceptorTest {
  private final DatabaseErrorInterceptor interceptor = new DatabaseErrorInterceptor();

  /** Runs the interceptor around an Executor.update that fails with {@code failure}. */
  private Object intercept(Exception failure) throws Throwable {
    Executor failing =
        (Executor)
            Proxy.newProxyInstance(
                Executor.class.getClassLoader(),
                new Class<?>[] {Executor.class},
                (proxy, method, args) -> {
                  throw failure;
                });
    return interceptor.intercept(
        new Invocation(
            failing,
            Executor.class.getMethod("update", MappedStatement.class, Object.class),
            new Object[] {null, null}));
  }

  @Test
  void anUnreachableDatabaseIsDatabaseUnavailable() {
    SQLException down = new SQLTransientConnectionException("pool timeout");
    assertThatThrownBy(() -> intercept(down))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ErrorReason.DATABASE_UNAVAILABLE);
              assertThat(e.getCause()).isNotNull();
              assertThat(Transactions.isConnectionFailure(e)).isTrue();
            });
  }

  @Test
  void aConflictIsConcurrentModificationAndStillRetryable() {
    SQLException deadlock = new SQLException("deadlock", "40001", 1213);
    assertThatThrownBy(() -> intercept(deadlock))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ErrorReason.CONCURRENT_MODIFICATION);
              assertThat(Transactions.isRetryableConflict(e)).isTrue();
            });
  }

  @Test
  void aDuplicateKeyPassesUnchanged() {
    SQLException duplicate = new SQLException("dup", "23000", 1062);
    assertThatThrownBy(() -> intercept(duplicate)).isSameAs(duplicate);
  }

  @Test
  void anApiErrorPassesUnchanged() {
    ApiException late = CallDeadline.exceeded();
    assertThatThrownBy(() -> intercept(late)).isSameAs(late);
  }
}
