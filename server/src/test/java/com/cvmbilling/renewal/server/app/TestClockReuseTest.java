package com.cvmbilling.renewal.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A test clock started on a database that already holds later events (a walk-through's data
 * directory used again) warns once, naming both instants; one that starts after them does not.
 */
@Tier.H2
@Tier.Network
class TestClockReuseTest {
  private static final Instant LATER = Instant.parse("2027-06-01T00:00:00Z");

  private static List<String> warningsWhenStartingAt(TestDatabases.TestDatabase db, Instant start) {
    Logger logger = (Logger) LoggerFactory.getLogger(RenewalServer.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try (TcpTestServer ignored =
        new TcpTestServer(db.settings(), b -> b.port(0).testClock(true, start))) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.startsWith("TEST CLOCK"))
          .toList();
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void aTestClockThatStartsBeforeTheDataWarns() {
    try (TestDatabases.TestDatabase db = TestDatabases.h2()) {
      try (TcpTestServer first =
          new TcpTestServer(db.settings(), b -> b.port(0).testClock(true, LATER))) {
        TestAccount a = first.createAccount(1_000_000);
        String id = first.createPrepaid(a, 1, LATER.plusSeconds(30 * 86400)).get(0).getInstanceId();
        first
            .tenant(a.apiKey())
            .renewInstances(
                RenewInstancesRequest.newBuilder().addInstanceIds(id).setPeriodMonths(1).build());
      }

      assertThat(warningsWhenStartingAt(db, Instant.parse("2027-01-01T00:00:00Z")))
          .singleElement()
          .asString()
          .contains("starts at 2027-01-01T00:00:00Z")
          .contains("events up to " + LATER)
          .contains("--test-clock=" + LATER);
      assertThat(warningsWhenStartingAt(db, LATER.plusSeconds(86400))).isEmpty();
    }
  }
}
