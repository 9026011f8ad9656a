package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.cvmbilling.renewal.server.domain.Event;
import com.cvmbilling.renewal.server.domain.EventType;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.apache.ibatis.session.SqlSessionManager;
import org.junit.jupiter.api.Test;

/**
 * A JDBC batch whose connection is lost while it is sent is DATABASE_UNAVAILABLE, like any other
 * statement's: Connector/J then reports only "No operations allowed after statement closed" (its
 * clean-up replaces the link failure), which alone reads as a bug, and a renewal in the fault
 * suite's database outage came back INTERNAL.
 */
class JdbcBatchesTest extends RepositoryTestBase {

  @Test
  void aConnectionLostWhileABatchIsSentIsDatabaseUnavailable() {
    JdbcBatches batches = injector.getInstance(JdbcBatches.class);
    SqlSessionManager sessions = injector.getInstance(SqlSessionManager.class);
    Instant now = Instant.parse("2027-01-01T00:00:00Z");
    Event event = new Event(0, "acc-1", EventType.RENEWED, "ins-1", now, now, 0, "ord-1");

    Throwable failure =
        catchThrowable(
            () ->
                inTx(
                    () -> {
                      killFromOutside(sessionId(sessions.getConnection()));
                      batches.run(
                          EventMapper.class,
                          m -> {
                            m.insert(event);
                            m.insert(event);
                          });
                    }));

    assertThat(failure).isInstanceOf(ApiException.class);
    assertThat(((ApiException) failure).reason()).isEqualTo(ErrorReason.DATABASE_UNAVAILABLE);
    if (kind == Kind.MARIADB) { // H2 closes an in-memory database when its session is aborted
      assertThat(rawLong("SELECT COUNT(*) FROM instance_event")).isZero();
    }
  }

  private long sessionId(Connection c) {
    String sql = kind == Kind.H2 ? "SELECT SESSION_ID()" : "SELECT CONNECTION_ID()";
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void killFromOutside(long sessionId) {
    String sql = kind == Kind.H2 ? "CALL ABORT_SESSION(" + sessionId + ")" : "KILL " + sessionId;
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
