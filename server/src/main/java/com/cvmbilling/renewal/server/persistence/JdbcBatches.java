package com.cvmbilling.renewal.server.persistence;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.executor.BatchResult;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionManager;

/**
 * Runs many executions of a mapper's statements as JDBC batches inside the current transaction: a
 * MyBatis BATCH session on the transaction's own connection (which it neither commits nor closes;
 * see {@link CallBoundTransactionFactory}). With the driver's {@code rewriteBatchedStatements}, a
 * batch of one statement goes to MariaDB in one round trip instead of one per execution.
 */
@Singleton
public final class JdbcBatches {
  private final SqlSessionManager sessions;

  @Inject
  JdbcBatches(SqlSessionManager sessions) {
    this.sessions = sessions;
  }

  /**
   * Calls {@code statements} with a mapper whose writes are batched, sends them, and returns each
   * execution's update count in call order. Must run inside {@link Transactions}.
   */
  public <M> int[] run(Class<M> mapper, Consumer<M> statements) {
    Connection connection = sessions.getConnection();
    try (SqlSession batch = sessions.openSession(ExecutorType.BATCH, connection)) {
      statements.accept(batch.getMapper(mapper));
      return batch.flushStatements().stream()
          .map(BatchResult::getUpdateCounts)
          .flatMapToInt(IntStream::of)
          .toArray();
    } catch (RuntimeException e) {
      // When the link fails while a batch is sent, Connector/J's clean-up replaces the link
      // failure with "No operations allowed after statement closed": say what happened, so that
      // the caller gets DATABASE_UNAVAILABLE (see Transactions) and not an internal error.
      if (isLost(connection)) {
        throw new PersistenceException(
            "the database connection was lost while a JDBC batch was sent",
            new SQLNonTransientConnectionException("connection lost", "08003", e));
      }
      throw e;
    }
  }

  private static boolean isLost(Connection connection) {
    try {
      return connection.isClosed() || !connection.isValid(2);
    } catch (SQLException e) {
      return true;
    }
  }
}
