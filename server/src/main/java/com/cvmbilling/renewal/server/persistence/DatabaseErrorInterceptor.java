package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.error.ApiException;
import java.lang.reflect.InvocationTargetException;
import org.apache.ibatis.cache.CacheKey;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Plugin;
import org.apache.ibatis.plugin.Signature;
import org.apache.ibatis.session.ResultHandler;
import org.apache.ibatis.session.RowBounds;

/**
 * Classifies driver and pool failures where they happen, for statements run inside {@link
 * Transactions} and outside (single reads such as key lookups and event polls): an unreachable
 * database, a conflict or a query timeout becomes the {@link ApiException} of {@link
 * Transactions#translate}, with the driver's exception as its cause (so that {@link Transactions}
 * still sees the conflict and retries). MyBatis wraps it in a {@code PersistenceException}; the
 * gRPC layer finds it with {@link ApiException#find}. Anything else (a duplicate key, a bug) passes
 * unchanged.
 */
@Intercepts({
  @Signature(
      type = Executor.class,
      method = "update",
      args = {MappedStatement.class, Object.class}),
  @Signature(
      type = Executor.class,
      method = "query",
      args = {MappedStatement.class, Object.class, RowBounds.class, ResultHandler.class}),
  @Signature(
      type = Executor.class,
      method = "query",
      args = {
        MappedStatement.class,
        Object.class,
        RowBounds.class,
        ResultHandler.class,
        CacheKey.class,
        BoundSql.class
      }),
  @Signature(
      type = Executor.class,
      method = "queryCursor",
      args = {MappedStatement.class, Object.class, RowBounds.class}),
  @Signature(
      type = Executor.class,
      method = "commit",
      args = {boolean.class}),
  @Signature(
      type = Executor.class,
      method = "rollback",
      args = {boolean.class})
})
public final class DatabaseErrorInterceptor implements Interceptor {
  /**
   * Wraps executors only (one per session). MyBatis offers every statement's handlers to every
   * plugin, and the default would look up this class's signatures by reflection for each of them.
   */
  @Override
  public Object plugin(Object target) {
    return target instanceof Executor ? Plugin.wrap(target, this) : target;
  }

  @Override
  public Object intercept(Invocation invocation) throws Throwable {
    try {
      return invocation.proceed();
    } catch (InvocationTargetException e) {
      Throwable failure = e.getCause();
      RuntimeException asRuntime =
          failure instanceof RuntimeException re ? re : new IllegalStateException(failure);
      if (Transactions.translate(asRuntime) instanceof ApiException api) {
        throw api;
      }
      throw failure;
    }
  }
}
