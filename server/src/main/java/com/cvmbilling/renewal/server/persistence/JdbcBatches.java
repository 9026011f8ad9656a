package com.cvmbilling.renewal.server.persistence;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.function.Consumer;
import java.util.stream.IntStream;
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
    try (SqlSession batch = sessions.openSession(ExecutorType.BATCH, sessions.getConnection())) {
      statements.accept(batch.getMapper(mapper));
      return batch.flushStatements().stream()
          .map(BatchResult::getUpdateCounts)
          .flatMapToInt(IntStream::of)
          .toArray();
    }
  }
}
